"""The browser host (tests/web/browser_host.cjs) that runs every browser test's plan in one chromium per test process:
a plan finds nothing another left behind (contexts, storage, cookies), and a plan that overruns its time is stopped
without taking the next plan down with it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.web.conftest import CHROMIUM, run_driver

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_harness.cjs")


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>page</title><p>page</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # the base class names it `format`
        pass


@pytest.fixture
def page_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium is not installed at {CHROMIUM} (scripts/setup.sh installs it)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


async def test_a_plan_finds_nothing_the_plan_before_it_left_open_or_stored(page_url: str) -> None:
    left = await run_driver(DRIVER, {"scenario": "leaveOpen", "url": page_url}, limit_s=120)
    assert left["result"]["contexts"] >= 1, "the first plan really left its context open"
    seen = (await run_driver(DRIVER, {"scenario": "look", "url": page_url}, limit_s=120))["result"]
    assert seen["others"] == 0, "the first plan's context was closed before the next plan ran"
    assert seen["stores"] == {"local": None, "session": None, "cookie": ""}


async def test_a_plan_that_overruns_is_stopped_and_the_next_plan_still_runs(page_url: str) -> None:
    with pytest.raises(TimeoutError):
        await run_driver(DRIVER, {"scenario": "hang"}, limit_s=3)
    seen = (await run_driver(DRIVER, {"scenario": "look", "url": page_url}, limit_s=120))["result"]
    assert seen["others"] == 0 and seen["stores"]["local"] is None
