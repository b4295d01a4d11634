"""A report of hostile candidate content in real headless chromium: markup in a name, code and speech never runs;
characters that make text read other than it is (bidirectional overrides and isolates, zero-width spaces: the
"Trojan Source" characters) are shown where they are, both in the server-rendered page and in the replay's code
view; and a name or code line with no break in it wraps instead of widening the page, down to 320 px."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo
from tests.api.report_support import grade, seed_interview
from tests.conftest import ApiServer
from tests.web.report_driver import ARTIFACTS, drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

RUNS = '<img src=x onerror="window.__hostile=1"><script>window.__hostile=2</script>'
# Reads "Ada Strong Hire" once the override takes effect; then a name with no place to break.
NAME = "Ada \u202eeriH gnortS " + "W" * 150
EXTERNAL_ID = "gh-7\u202e"
# Typed in the text-only chat: the override makes "I used no AI" read otherwise on the page than the grader read it.
SAID = RUNS + " I wrote it \u202eIA on desu I\u202c myself. " + "B" * 400
CITED = "wrote it \u202eIA on desu I\u202c myself"
# Reads as `access = "user"  # admin` (a comment) while the whole line is one string; `x\u200b` is not `x`.
TROJAN = (
    "def two_sum(nums, target):\n"
    '    access = "user\u202e \u2066# admin\u2069 \u2066"  # ' + RUNS + "\n"
    "    x\u200b = 1\n"
    "    y = 2  # \U000e0049\U000e0047\U000e004e\n"  # tag characters: invisible "IGN" a model reads
    "    " + "A" * 500 + "  # and this tail would be past the edge of the paper\n"
    "    return []\n"
)


@pytest.mark.timeout(300)
async def test_hostile_names_and_code_never_run_show_hidden_characters_and_wrap(
    api_server: ApiServer, db: Db
) -> None:
    seeded = await seed_interview(
        api_server, db, candidate={"name": NAME, "email": "ada@example.com", "external_id": EXTERNAL_ID}
    )
    stored = await events_repo.append_events(
        db,
        seeded.id,
        [
            events_repo.EventIn(
                "hostile:said",
                "transcript",
                {"role": "user", "text": SAID, "start": 284.0, "end": 285.0},
                284.0,
            ),
            events_repo.EventIn(
                "hostile:code", "editor_snapshot", {"language": "python", "code": TROJAN}, 286.0
            ),
        ],
    )
    assert stored is not None
    await db.execute("update sessions set final_code = %s where id = %s", (TROJAN, seeded.id))
    # The API now drops bidirectional controls from names (api.schemas.one_line); a row stored before that, or
    # written another way, still shows them as markers.
    await db.execute(
        "update candidates set name = %s where id = (select candidate_id from sessions where id = %s)",
        (NAME, seeded.id),
    )
    await grade(db, seeded)
    # The grader quotes what it was shown: a justification and a concern carrying the same characters.
    await db.execute(
        """
        update scorecards set scorecard = jsonb_set(jsonb_set(scorecard,
          '{dimensions,coding,justification}', to_jsonb(%s::text)), '{areas_to_improve,0}', to_jsonb(%s::text))
        where session_id = %s
        """,
        ("Wrote " + "C" * 300 + " then \u202eenod", "Named a variable x\u200b", seeded.id),
    )
    await db.execute(
        """
        update scorecards set scorecard = jsonb_set(scorecard, '{dimensions,problem_solving,evidence}',
          jsonb_build_array(jsonb_build_object('seq', %s::int, 'quote', %s::text)))
        where session_id = %s
        """,
        (stored[0].seq, CITED, seeded.id),
    )
    r = await api_server.client.post(
        f"/v1/sessions/{seeded.id}/share", json={}, headers=api_server.org_headers()
    )
    url = str(r.json()["report_url"]).replace(api_server.settings.public_url, api_server.url)

    ARTIFACTS.mkdir(exist_ok=True)
    seen = await drive_report(
        "hostile",
        url=url,
        seek=289.0,
        cite_seq=stored[0].seq,
        widths=[1440, 768, 320],
        screenshots=str(ARTIFACTS),
    )

    assert seen["ran"] is None
    # The server-rendered page: the name and ATS id (and the final code, printed) show their hidden characters
    # instead of obeying them.
    assert "\u202e" not in seen["h1"] and seen["h1"].startswith("Ada U+202EeriH gnortS")
    assert seen["markers"].count("U+202E") >= 4  # name, ATS id, justification, final code
    assert {"U+2066", "U+2069", "U+200B", "U+E0049", "U+E0047", "U+E004E"} <= set(seen["markers"])
    # Cited words holding a hidden character are marked whole, the marker inside the mark.
    assert seen["cited"] == [
        {"text": "wrote it U+202EIA on desu IU+202C myself", "markers": ["U+202E", "U+202C"]}
    ], seen["cited"]
    # The replay's code view keeps the code as it is and draws each hidden character as a placeholder.
    assert seen["replay_text"] == TROJAN
    titles = " ".join(seen["replay_special"]).lower()
    for name in (
        "right-to-left override",
        "left-to-right isolate",
        "pop directional isolate",
        "zero width space",
    ):
        assert name in titles, (name, seen["replay_special"])
    assert sum("0xe00" in t.lower() for t in seen["replay_special"]) == 3, seen["replay_special"]
    for width, box in seen["overflow"].items():
        assert box["scroll_width"] <= int(width) and box["wider"] == [], (width, box)
    # Printed (the PDF an ATS attaches), the whole of every line is on the paper.
    assert seen["printed"]["clipped"] == [], seen["printed"]["clipped"]
    assert seen["printed"]["code"] is not None and "A" * 500 in seen["printed"]["code"]
