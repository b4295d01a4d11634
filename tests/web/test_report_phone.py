"""The report read on a phone, in real headless chromium: at 320 to 414 px the replay (its controls, scrubber, code,
run and charts) and the transcript stay inside their sections' frames, as every other card of the page does."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.report_support import seeded_share
from tests.conftest import ApiServer
from tests.web.test_report_keyboard import drive_keys

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]


@pytest.mark.timeout(300)
async def test_the_replay_fits_its_frame_on_a_phone(api_server: ApiServer, db: Db) -> None:
    _, _, url = await seeded_share(api_server, db)
    widths = [414, 375, 360, 320]

    seen = await drive_keys(url=url, seek=200.5, widths=widths)

    for width in widths:
        for section in seen[str(width)]:
            # Nothing past the section's padding: the charts' 260-px column pushed the scrubber, the code and the run
            # over the frame's right edge at 320 px.
            assert section["past"] == [], (width, section)
            assert section["section_right"] <= width, (width, section)
