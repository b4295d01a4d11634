"""What agent.fence reads text as, decoded: escapes and character references in layers, base64 and hexadecimal, string
literals the language joins. Each reading keeps, for each of its characters, the span of the text it comes from
(``Spans``), so that what is found in it is changed where it is written.
"""

from __future__ import annotations

import base64
import binascii
import html.entities
import re
import unicodedata
from collections.abc import Callable, Iterator

# A character reference, read as the character it stands for ("&lt;", "&LT", "&#60;", "&#x3C", "&laquo;"): named
# (HTML's names; some are read without ";") or by number, decimal or hexadecimal.
_REFERENCE = re.compile(r"&(?:#[xX]0*([0-9a-fA-F]{1,6})|#0*([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{0,31}))(;?)")


def _char(cp: int) -> str | None:
    return chr(cp) if cp < 0x110000 and not 0xD800 <= cp < 0xE000 else None


def _reference(m: re.Match[str]) -> tuple[str, int] | None:
    """What the reference ``m`` stands for, and where it ends (a name read without ";" ends where the name does)."""
    hexa, decimal, name, semicolon = m.groups()
    if name is None:
        read = _char(int(hexa, 16) if hexa is not None else int(decimal))
        return (read, m.end()) if read is not None else None
    if semicolon and (read := html.entities.html5.get(f"{name};")) is not None:
        return read, m.end()
    for k in range(len(name), 1, -1):  # the longest name a reader takes without ";": "&ltEND" is "<END"
        if (read := html.entities.html5.get(name[:k])) is not None:
            return read, m.start() + 1 + k
    return None


# An escape a reader decodes, other than a character reference: percent-encoding ("%3C", "%u003C", and the bytes of
# a character in UTF-8, "%EF%BC%A5", also overlong: "%C0%BC"), quoted-printable ("=3C", "=EF=BC=9C"), the escapes
# of JSON, JavaScript, Python, C and Perl ("\u003c", "\ud835\udc04" (a surrogate pair), "\u{3c}", "\U0000003c",
# "\x3c", "\xef\xbc\xa5", "\x{3c}", "\074", "\N{LESS-THAN SIGN}").
_BYTE = r"(?:%|\\[xX]|=(?=[0-9A-F]{2}))"
_CONT = rf"(?:{_BYTE}[89abAB][0-9a-fA-F])"
_ESCAPE_SOURCE = (
    rf"(?P<amp>&)"
    rf"|(?P<utf8>{_BYTE}(?:[c-dC-D][0-9a-fA-F]{_CONT}|[eE][0-9a-fA-F]{_CONT}{{2}}|[fF][0-7]{_CONT}{{3}}))"
    rf"|{_BYTE}(?P<byte>[0-9a-fA-F]{{2}})"
    r"|%u(?P<u4>[0-9a-fA-F]{4})"
    r"|\\(?:u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|[uU]\{0*(?P<braced>[0-9a-fA-F]{1,6})\}|u(?P<u>[0-9a-fA-F]{4})|U0*(?P<u8>[0-9a-fA-F]{1,6})(?<=U[0-9a-fA-F]{8})"
    r"|[xX]\{0*(?P<xbraced>[0-9a-fA-F]{1,6})\}|(?P<octal>[0-7]{1,3})|N\{(?P<name>[A-Za-z0-9 -]{1,90})\})"
)
_ESCAPE = re.compile(_ESCAPE_SOURCE)
# CSS's escapes ("\3c", "\00003C ", "\45\4e\44": a backslash, one to six hex digits, one space after them taken
# with them) are read in a reading of their own (``_readings``): "\074" is "<" in C and "t" in CSS, and "\BEGIN"
# is no "¾GIN" in the other.
_CSS_ESCAPE = re.compile(
    _ESCAPE_SOURCE.replace(r"(?P<octal>[0-7]{1,3})", r"(?P<css>[0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\r\f])?")
)
CSS_CUE = re.compile(r"\\[0-9]")
# Layers of encoding read: "&amp;lt;" is "&lt;", then "<"; "%253C" is "%3C", then "<".
_LAYERS = 8
# HTML's tags (of its elements, by name) and short comments, read as nothing (in a reading of their own,
# ``_readings``: "<<<b>EGIN" also reads as "<<<" and "b>EGIN"): "<<<<b>END</b>", "<<<E<img src=x>ND" and
# "<<<E<!-- -->ND" render as "<<<END". A generic's parameter ("List<T>", "Map<K, V>") is no element.
_ELEMENTS = (
    "a|abbr|area|article|aside|audio|b|bdi|bdo|big|blink|blockquote|body|br|button|canvas|caption|center|cite|code"
    "|col|colgroup|data|dd|del|details|dfn|dialog|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form"
    "|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|marquee|math|meta"
    "|meter|nav|nobr|noscript|object|ol|optgroup|option|output|p|picture|pre|progress|q|rp|rt|ruby|s|samp|script"
    "|section|select|slot|small|source|span|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template"
    "|textarea|tfoot|th|thead|time|title|tr|tt|u|ul|var|video|wbr"
)
TAG = re.compile(rf"<!--[^<>]{{0,100}}-->|</?(?:{_ELEMENTS})(?:[\s/][^<>]*+)?>", re.IGNORECASE)


def _utf8(escapes: str) -> str | None:
    """The character the UTF-8 bytes of ``escapes`` ("%EF%BC%A5") stand for, read leniently (an overlong form too)."""
    data = bytes.fromhex("".join(re.findall(r"[0-9a-fA-F]{2}", escapes)))
    cp = data[0] & (0x7F >> len(data))
    for byte in data[1:]:
        cp = cp << 6 | byte & 0x3F
    return _char(cp)


def _escape(m: re.Match[str]) -> tuple[str, int] | None:
    """What the escape ``m`` stands for, and where it ends."""
    found = {k: v for k, v in m.groupdict().items() if v is not None}
    read: str | None
    if "amp" in found:
        ref = _REFERENCE.match(m.string, m.start())
        return _reference(ref) if ref is not None else None
    if "utf8" in found:
        read = _utf8(found["utf8"])
    elif "high" in found:
        read = chr(0x10000 + ((int(found["high"], 16) - 0xD800) << 10) + int(found["low"], 16) - 0xDC00)
    elif "name" in found:
        try:
            read = unicodedata.lookup(found["name"])
        except KeyError:
            read = None
    elif "octal" in found:
        read = _char(int(found["octal"], 8))
    else:
        read = _char(int(next(iter(found.values())), 16))
    return (read, m.end()) if read is not None else None


# For each character, the span of the text it comes from; None: its own index.
Spans = list[tuple[int, int]] | None


def own(start: int, end: int) -> list[tuple[int, int]]:
    return list(zip(range(start, end), range(start + 1, end + 1), strict=True))


def _decode_layer(text: str, spans: Spans, escape: re.Pattern[str]) -> tuple[str, Spans] | None:
    """``text`` with each escape (or tag) ``escape`` finds read, or None if there is none."""
    parts: list[str] = []
    into: list[tuple[int, int]] = []
    done = 0
    m = escape.search(text)
    while m is not None:
        read = ("", m.end()) if escape is TAG else _escape(m)
        if read is None:
            m = escape.search(text, m.start() + 1)
            continue
        part, end = read
        parts += [text[done : m.start()], part]
        into += own(done, m.start()) if spans is None else spans[done : m.start()]
        into += [(m.start(), end) if spans is None else (spans[m.start()][0], spans[end - 1][1])] * len(part)
        done = end
        m = escape.search(text, end)
    if not parts:
        return None
    parts.append(text[done:])
    into += own(done, len(text)) if spans is None else spans[done:]
    return "".join(parts), into


def decoded(text: str, tags: bool = False, css: bool = False) -> tuple[str, Spans]:
    """``text`` with its escapes and character references read, layer after layer (at most ``_LAYERS``), HTML tags
    and comments dropped first if ``tags``, and a backslash and hex digits read as CSS's escape if ``css``."""
    spans: Spans = None
    if tags and (layer := _decode_layer(text, spans, TAG)) is not None:
        text, spans = layer
    for _ in range(_LAYERS):
        if (layer := _decode_layer(text, spans, _CSS_ESCAPE if css else _ESCAPE)) is None:
            break
        text, spans = layer
    return text, spans


# Bytes written as text, which a model decodes when it is asked to, read as the text they decode to when that is
# printable UTF-8 (an identifier, a hash or a list of numbers decodes to bytes that are not): a run of base64 (either
# alphabet, padding optional) or of hexadecimal digit pairs, of eight characters or more ("PDw8RU5E",
# "3c3c3c454e44", "0x3c3c3c"; a path's slash before it is no part of it), and hexadecimal bytes one by one, as a dump
# or a list writes them ("3c 3c 3c 45 4e 44", "0x3c, 0x3c", "3c:3c"), four or more.
_ENCODED = re.compile(
    r"(?P<bytes>(?:0[xX])?[0-9a-fA-F]{2}(?:(?:,[ \t]?|[ \t:-])(?:0[xX])?[0-9a-fA-F]{2}){3,}+)"
    r"|(?P<run>[A-Za-z0-9+/_-]{8,}+=*+)"
)
_ESCAPE_CUE = re.compile(r"[&%=\\]")
_ALNUM = re.compile(r"[0-9A-Za-z]")
_PAIR = re.compile(r"(?:0[xX])?([0-9a-fA-F]{2})")
_HEX_RUN = re.compile(r"(?:0[xX])?((?:[0-9a-fA-F]{2})++)")
_URLSAFE = str.maketrans("-_", "+/")


def _base64(run: str) -> bytes | None:
    data = run.rstrip("=")
    if len(data) % 4 == 1 or (("-" in data or "_" in data) and ("+" in data or "/" in data)):
        return None
    try:
        return base64.b64decode(data.translate(_URLSAFE) + "=" * (-len(data) % 4), validate=True)
    except binascii.Error:
        return None


def _text(data: bytes | None) -> tuple[str, list[int]] | None:
    """``data`` as UTF-8 text and the size in bytes of each character, if it is text: six characters or more, no
    control character but spaces. At most two bytes that are no UTF-8 (put before a marker to spoil its decoding) are
    read as "\ufffd", which a reader skips, before ASCII. An identifier decoded is none ("function", "instantiated")."""
    if not data:
        return None
    for skipped in range(3):
        try:
            read = data[skipped:].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(read) < 6 or _CONTROL.search(read) or (skipped and not read.isascii()):
            return None
        sizes = [1] * len(read) if len(read) == len(data) - skipped else [len(c.encode()) for c in read]
        return "\ufffd" * skipped + read, [1] * skipped + sizes
    return None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _read(m: re.Match[str]) -> tuple[str, list[tuple[int, int]]] | None:
    """What ``m`` (of ``_ENCODED``) stands for, if it is text, and for each of its characters the span of the text
    that writes its bytes."""
    if m.group("bytes") is not None:
        pairs = list(_PAIR.finditer(m.string, m.start(), m.end()))
        byte_spans = [p.span(1) for p in pairs]
        found = _text(bytes(int(p.group(1), 16) for p in pairs))
    elif (hexa := _HEX_RUN.fullmatch(m.group())) is not None and (
        found := _text(bytes.fromhex(hexa.group(1)))
    ) is not None:
        at = m.start() + hexa.start(1)
        byte_spans = [(at + 2 * k, at + 2 * k + 2) for k in range(len(hexa.group(1)) // 2)]
    else:
        run = m.group()
        found = None
        for inner in (run, run.strip("/+_-"), run.rsplit("/", 1)[-1]):  # "/PDw8RU5E", a path's last part
            if (
                len(inner) >= 8
                and (data := _base64(inner)) is not None
                and (found := _text(data)) is not None
            ):
                at = m.start() + run.index(inner)
                groups = [(at + k, at + k + 4) for k in range(0, len(inner.rstrip("=")), 4)]
                groups[-1] = (groups[-1][0], at + len(inner.rstrip("=")))
                byte_spans = [groups[k // 3] for k in range(len(data))]
                break
    if found is None:
        return None
    read, sizes = found
    spans, at = [], 0
    for size in sizes:
        spans.append((byte_spans[at][0], byte_spans[at + size - 1][1]))
        at += size
    return read, spans


def encoded(text: str, lt: Callable[[str], bool]) -> tuple[str, list[tuple[int, int]]] | None:
    """``text`` with each run of bytes written as text (``_ENCODED``) that decodes to text that may matter read as
    that text (each character's span: where its bytes are written), or None if none does. What may matter: a
    character read as "<" (``lt``) or one that starts an escape, or twelve letters and digits (a nonce's length)."""
    parts: list[str] = []
    into: list[tuple[int, int]] = []
    done = 0
    for m in _ENCODED.finditer(text):
        if (found := _read(m)) is None:
            continue
        if not (
            _ESCAPE_CUE.search(found[0]) or any(map(lt, found[0])) or len(_ALNUM.findall(found[0])) >= 12
        ):
            continue
        read, spans = found
        parts += [text[done : spans[0][0]], read]
        into += own(done, spans[0][0])
        into += spans
        done = spans[-1][1]
    if not parts:
        return None
    parts.append(text[done:])
    into += own(done, len(text))
    return "".join(parts), into


# A string literal on one line; two of them with only spaces, a "+" (or PHP's ".", Lua's "..", SQL's "||", C++'s
# "<<", a line continuation) and a prefix ("f", "u8", "L") between them are joined by the language, or print as one
# (`"<<" "<END"`, `"<<" + "<END"`, `<< "<<" << "<END"`).
# A literal is read from its line's start, left to right, as a model reads code: an opening quote that nothing closes
# on its line is read as no quote ("don't", `x" "<<" "<END"`), at most twice a line (past that, the line holds no
# more literals: each line is read three times at most).
_LITERAL = re.compile(r"""(["'`])(?:(?!\1)[^\\\n]|\\.)*+(\1)?""")
_RETRIES = 2
_SPACE = r"(?:\n[ \t]*+[0-9]++\||\s)*+"  # a line's number in the code's view (agent/code_view.py: "12| ") too
_JOINING = re.compile(rf"{_SPACE}(?:(?:\+|\.\.?|<<|\|\||\\\n){_SPACE})?(?:[rRbBuUfFL]|u8){{0,2}}")


def _literals(text: str) -> Iterator[re.Match[str]]:
    """Each string literal of ``text``, in order (``_LITERAL``)."""
    at, line_end, retries = 0, -1, 0
    while (m := _LITERAL.search(text, at)) is not None:
        if m.start() > line_end:
            line_end = text.find("\n", m.start()) % (len(text) + 1)
            retries = 0
        if m.group(2) is not None:
            yield m
            at = m.end()
        elif retries < _RETRIES:
            retries += 1
            at = m.start() + 1
        else:
            at = max(m.end(), m.start() + 1)


def joined(text: str, lt: Callable[[str], bool]) -> tuple[str, list[tuple[int, int]]] | None:
    """``text`` with adjacent string literals joined (the closing quote, what is between and the opening quote read as
    nothing) where a character read as "<" (``lt``) ends the first or starts the second, or None if none does. Only
    there does a join make what was not read already: a reader skips the quotes between a marker's letters or a
    nonce's characters, but a string of code between two "<" ends their run."""
    cuts: list[tuple[int, int]] = []
    before: re.Match[str] | None = None
    for m in _literals(text):
        if (
            before is not None
            and (lt(text[before.end() - 2]) or lt(text[m.start() + 1]))
            and _JOINING.fullmatch(text, before.end(), m.start())
        ):
            cuts.append((before.end() - 1, m.start() + 1))
        before = m
    if not cuts:
        return None
    parts: list[str] = []
    into: list[tuple[int, int]] = []
    done = 0
    for start, end in cuts:
        parts.append(text[done:start])
        into += own(done, start)
        done = end
    parts.append(text[done:])
    into += own(done, len(text))
    return "".join(parts), into
