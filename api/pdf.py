"""Printing a report page to PDF with headless Chromium (Debian's /usr/bin/chromium; the API and worker hosts need
it, see docs/deployment.md).

The page is rendered in print mode (no script, a CSP that allows no fetch) and written to a private temporary
directory, and Chromium prints that file: it never loads anything over the network, whatever candidate-written
text the page contains. Renders are bounded in number (a semaphore per process) and in time (the process group is
killed at the deadline), and so is the queue for them: at most `max_waiting` requests wait, each at most `wait_s`,
and one tenant (an organisation; practice sessions are one tenant) has at most `per_tenant` waiting or printing.
Past a bound a request is a retryable 503 `pdf_busy`. Unbounded, one caller's burst of PDF requests (an anonymous
practice candidate's invite is enough) queued without limit, each holding its rendered page, and every other
organisation's PDF waited behind all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
from collections import Counter
from pathlib import Path

import structlog

from api.errors import ServiceUnavailableError

log = structlog.get_logger(__name__)

MAX_PDF_BYTES = 50 * 1024 * 1024
BUSY_RETRY_AFTER_S = 5


class PdfUnavailableError(ServiceUnavailableError):
    """No Chromium on this host, or it failed or timed out (retryable: a busy host may succeed later)."""

    code = "pdf_unavailable"


class PdfBusyError(ServiceUnavailableError):
    code = "pdf_busy"


class PdfRenderer:
    def __init__(
        self,
        chromium: str,
        *,
        timeout_s: float,
        concurrency: int,
        max_waiting: int = 16,
        per_tenant: int = 4,
        wait_s: float = 30.0,
    ) -> None:
        self._chromium = chromium
        self._timeout_s = timeout_s
        self._slots = asyncio.Semaphore(concurrency)
        self._max_waiting = max_waiting
        self._per_tenant = per_tenant
        self._wait_s = wait_s
        self._waiting = 0
        self._admitted: Counter[str] = Counter()  # per tenant: requests waiting or printing

    def available(self) -> bool:
        return shutil.which(self._chromium) is not None

    def _command(self, workdir: Path) -> list[str]:
        cmd = [
            self._chromium,
            "--headless",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-default-apps",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolves: no request leaves the host
            f"--user-data-dir={workdir / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={workdir / 'report.pdf'}",
        ]
        if (
            os.geteuid() == 0
        ):  # Chromium refuses to run as root with its sandbox; production runs unprivileged
            cmd.append("--no-sandbox")
        return [*cmd, (workdir / "report.html").as_uri()]

    async def render(self, html: str, *, tenant: str = "") -> bytes:
        if not self.available():
            raise PdfUnavailableError("PDF rendering needs Chromium on this host.")
        queue_full = self._slots.locked() and self._waiting >= self._max_waiting
        if queue_full or self._admitted[tenant] >= self._per_tenant:
            raise PdfBusyError("Report PDFs are busy; try again shortly.", retry_after=BUSY_RETRY_AFTER_S)
        self._admitted[tenant] += 1
        try:
            await self._acquire()
            try:
                return await self._render(html)
            finally:
                self._slots.release()
        finally:
            self._admitted[tenant] -= 1
            if not self._admitted[tenant]:
                del self._admitted[tenant]

    async def _acquire(self) -> None:
        self._waiting += 1
        try:
            async with asyncio.timeout(self._wait_s):
                await self._slots.acquire()  # a cancelled acquire passes a slot it was just given on
        except TimeoutError:
            raise PdfBusyError(
                "Report PDFs are busy; try again shortly.", retry_after=BUSY_RETRY_AFTER_S
            ) from None
        finally:
            self._waiting -= 1

    async def _render(self, html: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="shadows-pdf-") as tmp:
            workdir = Path(tmp)
            await asyncio.to_thread((workdir / "report.html").write_text, html, "utf-8")
            proc = await asyncio.create_subprocess_exec(
                *self._command(workdir),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                start_new_session=True,
            )
            try:
                code = await asyncio.wait_for(proc.wait(), self._timeout_s)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
                log.warning("pdf.timeout", timeout_s=self._timeout_s)
                raise PdfUnavailableError("Rendering the PDF took too long; try again.") from None
            finally:
                if proc.returncode is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    await proc.wait()
            out = workdir / "report.pdf"
            if code != 0 or not out.is_file():
                log.warning("pdf.failed", exit_code=code)
                raise PdfUnavailableError("The PDF could not be rendered; try again.")
            data = await asyncio.to_thread(out.read_bytes)
        if not data.startswith(b"%PDF-") or len(data) > MAX_PDF_BYTES:
            raise PdfUnavailableError("The PDF could not be rendered; try again.")
        return data
