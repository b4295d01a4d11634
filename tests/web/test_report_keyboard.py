"""The report read with the keyboard and a screen reader, in real headless chromium: the replay's code view is
reachable from the keyboard (a long snapshot scrolls inside it), a citation or an observation's time taken with the
keyboard takes the focus where it moved the page (the turn it quotes, the code, the run, the replay's position),
the run panel, a live region, changes only when what it says changes (not on every frame of play), and the play
button is named by what it does, not a toggle whose name changes too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from tests.api.report_support import CODE_V3, seeded_share, snapshot
from tests.conftest import ApiServer
from tests.web.conftest import run_driver

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]
DRIVER = Path(__file__).with_name("drive_report_keys.cjs")

# Longer than the code view is tall: it scrolls inside the view.
LONG_CODE = "def two_sum(nums, target):\n" + "".join(f"    step_{i} = {i}  # line {i}\n" for i in range(200))


async def drive_keys(**plan: Any) -> dict[str, Any]:
    body = await run_driver(DRIVER, plan, limit_s=240)
    assert body["console_errors"] == [], body["console_errors"]
    return dict(body["result"])


@pytest.mark.timeout(300)
async def test_the_replay_is_usable_from_the_keyboard_and_quiet_to_a_screen_reader(
    api_server: ApiServer, db: Db
) -> None:
    seeded, _, url = await seeded_share(api_server, db, snapshot("long", LONG_CODE, 300.0))
    # The seeded interview: a run at 3:30, the submission at 4:20, the long snapshot at 5:00.
    seen = await drive_keys(
        url=url, long_t=300.5, same=[215, 220.5, 230, 245.2, 255], next=265, play_from=220
    )

    # No axe violation with a long snapshot on screen (its scroll box was out of the keyboard's reach), nor after the
    # citations moved the focus.
    assert seen["axe"] == [], seen["axe"]
    assert seen["axe_after"] == [], seen["axe_after"]
    # From the scrubber, Tab reaches the code; the keyboard scrolls it; the replay moving on keeps the focus there.
    assert seen["after_scrubber"]["in_code"], seen["after_scrubber"]
    assert seen["code_scrolled"] > 0
    assert seen["after_step"]["in_code"], seen["after_step"]

    # The run panel says the same words from 3:30 to 4:20, written once; it changes when the submission comes.
    steps = seen["live"]["steps"]
    assert {s["said"] for s in steps} == {"Run at 3:30: Accepted, 3/3 tests passed"}, steps
    assert steps[-1]["changes"] == steps[0]["changes"], steps
    assert seen["live"]["next"]["said"].startswith("Submission at 4:20: Accepted")
    assert seen["live"]["next"]["changes"] > steps[-1]["changes"]
    # Played for most of a second between two runs: dozens of frames, no change to announce.
    assert seen["live"]["play"]["time"] > 220.3, seen["live"]["play"]
    assert seen["live"]["play"]["changes"] == 0, seen["live"]["play"]

    # The play button says what it does ("Play", then "Pause" while playing). A toggle button keeps its name and
    # changes its state; both at once, a screen reader read "Pause, pressed" while it played.
    buttons = seen["play_button"]
    assert [b["name"] for b in buttons] == ["Play", "Pause", "Play"], buttons
    assert all(b["pressed"] is None for b in buttons), buttons

    # A citation taken with the keyboard takes the focus to what it shows, and Tab goes on from there, not to the
    # next citation up the page.
    cited = seen["cited"]
    said = cited["transcript"]
    assert said["seq"] == str(seeded.seqs["plan"])
    assert said["at"]["tag"] == "li" and said["at"]["seq"] == said["seq"], said
    assert not said["then"]["evidence"] and said["then"]["seq"] is not None, said
    code = cited["editor_snapshot"]
    assert code["at"]["in_code"], code
    assert not code["then"]["evidence"], code
    ran = cited["test_run"]
    assert ran["seq"] == str(seeded.seqs["run"])
    assert ran["at"]["run"], ran
    assert not ran["then"]["evidence"], ran
    # An integrity observation's time: the replay's position, which says where it is ("3:35 / 5:00").
    assert seen["observation"]["scrubber"], seen["observation"]


@pytest.mark.timeout(300)
async def test_a_link_to_a_moment_opens_the_replay_there_and_a_link_to_none_is_harmless(
    api_server: ApiServer, db: Db
) -> None:
    """A turn's time is a link to it (`#ev-<seq>`), which a reviewer can copy and share: opened, the replay started
    at 0:00 and scrolled the transcript back to its first turn. Links naming no moment change nothing."""
    seeded, _, url = await seeded_share(api_server, db)
    said, run = seeded.seqs["complexity"], seeded.seqs["run"]
    bad = ["#ev-999999999", "#ev--1", "#ev-NaN", "#ev-1e309", "#ev-0x10", "#facts", "#ev-", "#ev-%37"]
    seen = await drive_keys(
        links={
            "turn": f"{url}#ev-{said}",
            "run": f"{url}#ev-{run}",
            "query": f"{url}?t=NaN&seq=-5",
            **{f"bad{i}": url + fragment for i, fragment in enumerate(bad)},
        },
        hash_change=f"#ev-{seeded.seqs['answer']}",
    )

    # The turn at 3:50 ("It is O(n) time..."): the replay there, that turn current and in its box's view.
    assert seen["turn"]["time"] == seeded.times["complexity"], seen["turn"]
    assert seen["turn"]["turn"] == str(said) and seen["turn"]["turn_in_view"], seen["turn"]
    # A run's row (printed only while the replay runs): the replay at that run.
    assert seen["run"]["time"] == seeded.times["run"] and seen["run"]["run"] == str(run), seen["run"]
    # Out of range, negative, not a number, or another kind of fragment, or a query: the replay starts at 0:00.
    for name in ["query", *(f"bad{i}" for i in range(len(bad)))]:
        assert seen[name]["time"] == 0 and seen[name]["clock"].startswith("0:00 / "), (name, seen[name])
    # The fragment changed on an open page (a second link followed, the browser's back button): it follows.
    assert seen["hash_change"]["time"] == seeded.times["answer"], seen["hash_change"]
    assert seen["hash_change"]["turn"] == str(seeded.seqs["answer"]), seen["hash_change"]


@pytest.mark.timeout(300)
async def test_the_keyboard_moves_the_replay_by_seconds_and_minutes_whatever_its_length(
    api_server: ApiServer, db: Db
) -> None:
    """The scrubber is a range whose step is 0.1 s, so the browser moved the replay a tenth of a second per arrow key
    (600 presses to go a minute on) and a tenth of the interview per Page Up or Down (4.5 minutes of 45): no moment
    between was in a keyboard's reach. Arrows now move it 5 s, Page Up and Down (or Shift and an arrow) a minute.
    And the browser held the range to multiples of its step: the record's last moment, 290.37 s here (a snapshot
    there), was 290.3 for End, out of the scrubber's reach; it now holds any value."""
    _, _, url = await seeded_share(api_server, db, snapshot("last", CODE_V3, 290.37))
    keys = [
        "ArrowRight",
        "ArrowUp",
        "PageUp",
        "Shift+ArrowLeft",
        "ArrowLeft",
        "ArrowDown",
        "PageDown",
        "PageDown",
    ]
    seen = await drive_keys(url=url, scrub_from=100, keys=[*keys, "End", "Home", "Shift+ArrowRight"])

    steps = seen["steps"]
    assert all(s["focused"] for s in steps), steps
    times = [round(s["time"], 3) for s in steps]
    assert times == [105, 110, 170, 110, 105, 100, 40, 0, seen["max"], 0, 60], steps
    # The scrubber shows the replay's time, and says it.
    assert all(abs(s["value"] - s["time"]) < 1e-6 for s in steps), steps
    assert steps[2]["text"].startswith("2:50 / "), steps[2]
    assert seen["max"] == 290.37, seen
