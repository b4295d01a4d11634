"""Hostile and broken PDFs for the résumé parser, built byte by byte (correct xref offsets, so a reader's failure
is the hostile content's doing, not a sloppy file's)."""

from __future__ import annotations

import zlib


def assemble(objects: list[bytes], *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, *, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(contents_ref: int, font_ref: int) -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (contents_ref, font_ref)
    )


def text_pdf(pages: list[str]) -> bytes:
    """A plain PDF with one line of Helvetica text per page."""
    n = len(pages)
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    font_ref = 3 + 2 * n
    for i, text in enumerate(pages):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
        objects.append(_page(4 + 2 * i, font_ref))
        objects.append(_stream(b"BT /F1 12 Tf 72 720 Td (" + escaped + b") Tj ET"))
    objects.append(FONT)
    return assemble(objects)


def operator_bomb(pages: int = 20, operators: int = 400_000) -> bytes:
    """`pages` pages sharing one compressed content stream of `operators` text operators: about 100 KB on the wire,
    each page under the parser's own decompression limits, minutes of text extraction in all."""
    content = b"BT /F1 12 Tf 72 720 Td " + b"(a) Tj 0 -1 Td " * operators + b"ET"
    content_ref = 3 + pages
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    objects += [_page(content_ref, content_ref + 1) for _ in range(pages)]
    objects += [_stream(content), FONT]
    return assemble(objects)


def nesting_bomb(depth: int = 200_000) -> bytes:
    """An array nested `depth` deep where the page's resources should be."""
    nested = b"[" * depth + b"]" * depth
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources "
            + nested
            + b" >>",
            _stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"),
        ]
    )


def page_tree_bomb(kids: int = 200_000) -> bytes:
    """A page tree that names one page object `kids` times and declares a Count of 1."""
    refs = b" ".join([b"3 0 R"] * kids)
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + refs + b"] /Count 1 >>",
            _page(4, 5),
            _stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
            FONT,
        ]
    )


def page_tree_loop() -> bytes:
    """A page tree whose Pages node lists itself among its kids."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
            _page(4, 5),
            _stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET"),
            FONT,
        ]
    )


def decompression_bomb(expanded_mb: int = 1024) -> bytes:
    """A FlateDecode content stream of `expanded_mb` MiB of spaces, compressed to about a thousandth of that."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(expanded_mb)) + comp.flush()
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            _page(4, 5),
            stream,
            FONT,
        ]
    )


def image_only_pdf() -> bytes:
    """A page that draws but says nothing (what a scanned résumé looks like to a text extractor)."""
    return assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(b"0 0 m 100 100 l S"),
        ]
    )


def encrypted_pdf(text: str = "Secret résumé") -> bytes:
    """A real PDF locked with a user password (pypdf's writer, RC4-128 needs no extra crypto library)."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf([text]))))
    writer.encrypt(user_password="candidate-secret", owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
