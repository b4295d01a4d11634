"""Text from an uploaded résumé PDF, parsed in a bounded child process (api/pdf_worker.py).

The API process never parses a PDF itself: a hostile file (a decompression bomb, a page tree that loops, a content
stream that takes minutes, nesting that exhausts the stack) costs at most one child's CPU and address-space limits
and the wall timeout, and is a 422 with a readable message. At most `resume_parsers` children run at once, and at
most `resume_parsers_per_tenant` of one organisation's. An organisation's further uploads wait for one of its own to
finish before they queue for a parser: a burst of slow résumés from one organisation would otherwise queue ahead of
every other organisation's upload, which waited behind all of them and was refused after its wait. Another
organisation's upload now waits for one parse at most. Any upload that gets no parser within `resume_timeout_s` is
a retryable 503 `resume_parser_busy`.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections import Counter
from pathlib import Path

import structlog

from api.errors import ServiceUnavailableError, UnprocessableError
from api.settings import ApiSettings

log = structlog.get_logger(__name__)

WORKER = Path(__file__).with_name("pdf_worker.py")


class ResumeParserBusyError(ServiceUnavailableError):
    code = "resume_parser_busy"


# Every refusal is 422 `invalid_resume` (the code clients already handle); the message says what is wrong.
CODE = "invalid_resume"
MESSAGES = {
    "encrypted": "The résumé PDF is password-protected; upload one without a password.",
    "unreadable": "The résumé PDF could not be read; it is damaged or not a standard PDF.",
    "too_large": "The résumé PDF needs too much memory to read.",
    "too_complex": "The résumé PDF is too complex to read in the time allowed.",
}


def _busy() -> ResumeParserBusyError:
    return ResumeParserBusyError("Résumé parsing is busy; try again shortly.", retry_after=5)


def _refuse(kind: str) -> UnprocessableError:
    return UnprocessableError(MESSAGES[kind], code=CODE)


class ResumeParser:
    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self._slots = asyncio.Semaphore(settings.resume_parsers)
        self._tenants: dict[str, asyncio.Semaphore] = {}  # per organisation: its share of the parsers
        self._users: Counter[str] = (
            Counter()
        )  # per organisation: uploads waiting or parsing (its semaphore's users)

    async def text(self, data: bytes, *, tenant: str) -> str:
        """The résumé's text, at most `max_text_chars`; UnprocessableError (422) for anything unreadable.
        `tenant`: the organisation uploading it."""
        if not data.startswith(b"%PDF-"):
            raise UnprocessableError("The résumé must be a PDF file.", code=CODE)
        share = self._tenants.setdefault(tenant, asyncio.Semaphore(self.settings.resume_parsers_per_tenant))
        self._users[tenant] += 1
        try:
            return await self._text(data, share)
        finally:
            self._users[tenant] -= 1
            if not self._users[tenant]:
                del self._users[tenant], self._tenants[tenant]

    async def _text(self, data: bytes, share: asyncio.Semaphore) -> str:
        # Its organisation's share first, then a parser: only uploads within their share queue for the parsers
        # (in arrival order), so a burst from one organisation waits behind its own, never ahead of another's.
        try:
            async with asyncio.timeout(self.settings.resume_timeout_s):
                await share.acquire()
                try:
                    await self._slots.acquire()
                except BaseException:
                    share.release()
                    raise
        except TimeoutError as e:
            raise _busy() from e
        try:
            result = await self._parse(data)
        finally:
            self._slots.release()
            share.release()
        if "error" in result:
            if result["error"] == "too_many_pages":
                raise UnprocessableError(
                    f"The résumé PDF has more than {self.settings.resume_max_pages} pages.",
                    code=CODE,
                )
            raise _refuse(result["error"] if result["error"] in MESSAGES else "unreadable")
        # PDF text can carry U+0000 (two-byte font encodings) and lone surrogates, which PostgreSQL cannot store.
        text = result["text"].replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
        if not text.strip():
            raise UnprocessableError(
                "No text could be extracted from the résumé PDF (a scanned image has none).",
                code=CODE,
            )
        return text

    async def _parse(self, data: bytes) -> dict[str, str]:
        s = self.settings
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-I",
            str(WORKER),
            str(s.resume_cpu_s),
            str(s.resume_memory_mb),
            str(s.resume_max_pages),
            str(s.max_text_chars),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env={"LANG": "C.UTF-8"},  # nothing of ours (DATABASE_URL, secrets) reaches the parser
            start_new_session=True,
        )
        try:
            async with asyncio.timeout(s.resume_timeout_s):
                out, _ = await proc.communicate(data)
        except TimeoutError:
            log.warning("resume.parse_timeout", timeout_s=s.resume_timeout_s)
            return {"error": "too_complex"}
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        if proc.returncode != 0:
            log.warning("resume.parser_exit", returncode=proc.returncode)
            # SIGXCPU/SIGKILL: the CPU limit; anything else (a crash in the parser) says nothing good of the file.
            killed_for_cpu = proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
            return {"error": "too_complex" if killed_for_cpu else "unreadable"}
        try:
            result = json.loads(out)
        except ValueError:
            return {"error": "unreadable"}
        if not isinstance(result, dict) or not isinstance(result.get("text", result.get("error")), str):
            return {"error": "unreadable"}
        return result
