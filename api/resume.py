"""Text from an uploaded résumé PDF (pypdf), bounded in size and time."""

from __future__ import annotations

import asyncio
import io

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from api.errors import UnprocessableError

MAX_PAGES = 20


def _extract(data: bytes, max_chars: int) -> str:
    if not data.startswith(b"%PDF-"):
        raise UnprocessableError("The résumé must be a PDF file.", code="invalid_resume")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnprocessableError("The résumé PDF is encrypted.", code="invalid_resume")
        parts: list[str] = []
        size = 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= max_chars:
                break
    except (PdfReadError, ValueError, KeyError, TypeError) as e:
        raise UnprocessableError("The résumé PDF could not be read.", code="invalid_resume") from e
    text = "\n".join(p.strip() for p in parts if p.strip())[:max_chars]
    if not text:
        raise UnprocessableError("No text could be extracted from the résumé PDF.", code="invalid_resume")
    return text


async def extract_pdf_text(data: bytes, max_chars: int) -> str:
    return await asyncio.to_thread(_extract, data, max_chars)
