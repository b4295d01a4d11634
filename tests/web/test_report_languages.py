"""The replay of an interview in which the candidate switched language (they may: docs/protocol.md,
`language_switched`) shows each moment's code in its own language. It loaded one mode at the start, the first
snapshot's, and drew the Java the candidate switched to as Python, under a heading that never said which it was."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo
from tests.api.report_support import CODE_V3, seeded_share
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

JAVA = (
    "class Solution {\n"
    "    public int[] twoSum(int[] nums, int target) {\n"
    "        return new int[] {0, 1};\n"
    "    }\n"
    "}\n"
)


@pytest.mark.timeout(300)
async def test_a_language_switch_shows_each_moments_code_in_its_own_language(
    api_server: ApiServer, db: Db
) -> None:
    _, _, url = await seeded_share(
        api_server,
        db,
        events_repo.EventIn("switch:java", "editor_snapshot", {"language": "java", "code": JAVA}, 270.0),
        graded=False,
    )

    python_at, java_at, back = (await drive_report("deletions", url=url, steps=[205.0, 271.0, 205.0]))[
        "steps"
    ]

    assert python_at["doc"] == back["doc"] == CODE_V3 and java_at["doc"] == JAVA
    assert "in Python" in python_at["head"] and "in Python" in back["head"], python_at["head"]
    assert "in Java" in java_at["head"], java_at["head"]
