"""A report page read by what it costs: its size, in units of `report_limits.PAGE_UNIT_BYTES`, counts in the same
size budgets as a timeline's (api/report_limits.py `count_size`, api/timeline_reads.py).

A page is rendered for each read (its nonce, and the view token it carries, are new each time), so it is not kept;
what is kept is the size of the last page this process rendered for each session and view, so the next read of it
is counted before it is rendered. A page larger than that estimate is counted for the difference once rendered; a
session this process has not rendered is rendered, then counted, and answered 429 if that spends a budget. The
largest page the session bounds allow (874 KiB, about 0.6 s of CPU to render) counts 13 units: a share link renders
it at most four times a minute, where its 60 reads a minute made 36 core-seconds a minute.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import HTMLResponse

from api import report_limits
from api.app_state import app_state
from api.settings import ApiSettings

MAX_ENTRIES = 8192


class PageSizes:
    """The last size rendered per key, at most `max_entries` keys (least recently used out first). `renders`
    counts pages rendered (for tests)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self.renders = 0

    def get(self, key: str) -> int | None:
        size = self._sizes.get(key)
        if size is not None:
            self._sizes.move_to_end(key)
        return size

    def put(self, key: str, size: int) -> None:
        self._sizes.pop(key, None)
        self._sizes[key] = size
        while len(self._sizes) > self.max_entries:
            self._sizes.popitem(last=False)


_STATE = "report_page_sizes"


def sizes_of(request: Request) -> PageSizes:
    return app_state(request, _STATE, PageSizes)


async def counted_page(
    request: Request,
    settings: ApiSettings,
    counted: report_limits.Counted,
    key: str,
    render: Callable[[], Awaitable[HTMLResponse]],
) -> HTMLResponse:
    """`render()`'s page, its size counted for a reader whose read was counted (once) in `counted`: the size
    last rendered for `key` (a session and view) before it is rendered, any more after."""
    unit = report_limits.PAGE_UNIT_BYTES
    sizes = sizes_of(request)
    known = sizes.get(key)
    if known is not None:
        await report_limits.count_size(request, settings, counted, known, unit)
    response = await render()
    sizes.renders += 1
    size = len(response.body)
    sizes.put(key, size)
    more = size // unit - (known // unit if known is not None else 0)
    if more > 0:
        await report_limits.count_size(request, settings, counted, more * unit, unit)
    return response
