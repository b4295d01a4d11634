"""The candidate page in Debian's headless chromium (fake microphone) against the real API, Postgres and judge:
welcome and consent, the device check, the fair start, the editor, runs, submission, drafts across reloads and
devices, dark mode, integrity observations and the end; axe-core in every state. Screenshots of every state are
kept in tests/web/artifacts/<scenario>/."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import DictRow

from api.notice_versions import current_version
from tests.conftest import ApiServer
from tests.web.conftest import drive
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
Db = psycopg.AsyncConnection[DictRow]


def link(api_server: ApiServer, created: dict[str, Any], page: str = "/join") -> str:
    """The session's link on this test server (join_url points at the configured public URL)."""
    fragment = created["join_url"].split("/join", 1)[1]
    assert fragment == f"#invite={created['invite']}"
    return f"{api_server.url}{page}{fragment}"


async def question_id(db: Db, slug: str) -> str:
    cur = await db.execute("select id from questions where slug = %s", (slug,))
    row = await cur.fetchone()
    assert row is not None, slug
    return str(row["id"])


def no_violations(seen: dict[str, Any]) -> None:
    axe = seen["_axe"]
    assert axe, "axe-core ran"
    bad = {state: v for state, v in axe.items() if v}
    assert bad == {}, bad


async def events(db: Db, sid: str, kind: str) -> list[dict[str, Any]]:
    cur = await db.execute(
        "select payload from session_events where session_id = %s and type = %s order by seq", (sid, kind)
    )
    return [r["payload"] for r in await cur.fetchall()]


@pytest.mark.sandbox
@pytest.mark.timeout(900)  # several judge runs, three page loads and two browser contexts on a loaded machine
async def test_candidate_meets_welcome_consent_device_check_then_interviews_submits_and_ends(
    api_server: ApiServer, db: Db
) -> None:
    await db.execute("update organizations set retention_days = 90 where id = %s", (api_server.org_id,))
    created = await api_server.create_session(
        question_id=await question_id(db, "two-sum"), role="Backend Engineer", extra_time_minutes=5
    )
    solution = (ROOT / "questions/two-sum/reference.py").read_text()
    pasted = "# a pasted comment\n" * 3

    broken = "def two_sum(nums, target):\n    seen = {\n    return []\n"
    seen = await drive(
        "interview",
        limit_s=840,
        url=link(api_server, created),
        code=solution,
        paste=pasted,
        broken=broken,
        accommodation="I would prefer to talk with a person.",
        custom_run={
            "url": f"{api_server.url}/v1/sessions/{created['id']}/custom-runs",
            "invite": created["invite"],
            "args": [[2, 7, 11, 15], 9],
            "shown": "nums = [2,7,11,15], target = 9",
        },
    )

    # Welcome: who is hiring, the role, an AI interviewer, what is recorded and kept, how it is used, how long.
    welcome = seen["welcome"]
    assert welcome["brand"] == "Acme Hiring"
    assert welcome["title"] == "Your interview with Acme Hiring"
    assert "Role: Backend Engineer." in welcome["role"] and "50 minutes, in Python" in welcome["role"]
    for phrase in (
        "interviewer is an AI",
        "transcript",
        "every test run",
        "size of pastes",
        "90 days",
        "person",
    ):
        assert phrase in welcome["notice"], phrase
    assert welcome["app_hidden"] and welcome["statement_in_dom"] == ""
    assert seen["consent_refused_unticked"] == "Tick the box to agree before you continue."
    assert "sent to the hiring team" in seen["accommodation"]
    [request] = await events(db, created["id"], "accommodation_request")
    assert request == {
        "kind": "human_interview",
        "message": "I would prefer to talk with a person.",
        "status": "scheduled",
    }
    [consent] = await events(db, created["id"], "consent")
    assert consent["notice_version"] == current_version() and len(consent["notice_sha256"]) == 64

    # Nothing of the problem before the start; the clock shows the full time, not running.
    before = seen["before_start"]
    assert before["statement_in_dom"] == "" and before["starter_in_dom"] == 0
    assert before["clock"] == "50:00"
    assert seen["clock_on_arrival"] in ("--:--", "50:00"), "the server's figure, or nothing until it has said"

    # The device check hears Chromium's fake microphone and plays the tone.
    device = seen["device"]
    assert device["heard"] == "We can hear you."
    assert device["microphones"] and device["meter"] > 0
    assert device["speaker"].startswith("Playing a tone") or "heard it" in device["speaker"]
    assert device["text_only_offered"] is False, "the organisation does not allow text-only"

    # The start reveals the problem and runs the clock from started_at (50 minutes with the extra time).
    opened = seen["opened"]
    assert opened["title"] == "Two Sum" and "indices" in opened["statement"]
    assert opened["clock_state"] == "running"
    minutes, seconds = map(int, opened["clock"].split(":"))
    assert 45 * 60 < minutes * 60 + seconds <= 50 * 60
    assert "nums" in opened["examples"][0] and "target" in opened["examples"][0]
    assert created["invite"] not in opened["href"] and opened["href"].endswith("/join")
    cur = await db.execute(
        "select status, start_mode, started_at from sessions where id = %s", (created["id"],)
    )
    row = await cur.fetchone()
    assert row is not None and row["start_mode"] == "voice" and row["started_at"] is not None
    # No LiveKit here: the call says so and offers Retry; the rest keeps working.
    assert seen["call"] == {"status": "Voice connection failed.", "retry": "Retry"}
    assert seen["topbar"]["end_visible"]

    # Tab never traps.
    tab = seen["tab"]
    assert tab["into"] == "editor"
    assert tab["passed_through_to"] != "editor", "Tab without typing moves on"
    assert tab["hint_visible"]
    assert tab["after_typing_focus"] == "editor" and tab["indented"], "after typing, Tab indents"
    assert tab["after_escape"] != "editor", "Esc then Tab leaves"

    # A compile error is marked in the gutter on the line the interpreter names.
    assert seen["broken_run"]["verdict"] == "compile_error"
    assert seen["gutter"] == {"marked": True, "line": 2}

    # Custom input with the parameter names.
    assert [label.split(" ")[0] for label in seen["custom_labels"]] == ["nums", "target"]
    custom = seen["custom"]
    assert custom["tests"][0]["verdict"] == "accepted"
    assert "nums = [3,3], target = 6" in custom["tests"][0]["text"]
    assert "returned[0,1]" in custom["tests"][0]["text"]
    assert "not valid JSON" in seen["custom_bad_json"]
    # A custom input out when the page reloaded: its pane comes forward saying so, with the arguments typed, and
    # what it returned shows there once the judge has stored it.
    reloaded = seen["custom_reload"]
    assert reloaded["pane_visible"], reloaded
    assert reloaded["note"] is not None and "still running" in reloaded["note"], reloaded
    assert reloaded["args"] == ["[3, 3]", "6"], reloaded
    assert reloaded["status"] == 200, reloaded
    assert reloaded["after"]["tests"][0]["verdict"] == "accepted", reloaded
    assert "returned[0,1]" in reloaded["after"]["tests"][0]["text"], reloaded
    assert reloaded["notes_after"] == 0, reloaded
    # The results pane keeps the Run from before the custom inputs (`GET .../results` returns `custom` apart).
    assert reloaded["results"] == seen["broken_run"]["summary"], reloaded
    assert seen["run"]["verdict"] == "accepted"
    # A Run whose answer the network lost: followed to the report the API stored, not "try again".
    lost = seen["run_lost"]
    assert "connection to the server dropped while your Run was out" in lost["note"], lost
    # Its own report, by the id the page gave it, though another tab's Run (that does not compile) is newer: told
    # apart by time, that one was shown.
    assert lost["other_tab"] == 200, lost
    assert lost["after"] == seen["run"]["summary"], lost
    cur = await db.execute(
        "select kind, verdict from submissions where session_id = %s and client_run_id = %s",
        (created["id"], lost["sent_id"]),
    )
    assert [(r["kind"], r["verdict"]) for r in await cur.fetchall()] == [("run", "accepted")], lost

    # Submit asks first, then shows what happens next and locks the editor (no resubmission by default).
    assert seen["confirm"] == {"title": "Submit your final answer?", "focused": "confirm-cancel"}
    assert seen["after_cancel_final_hidden"]
    assert seen["submission"]["verdict"] == "accepted"
    assert "final answer is submitted" in seen["final_state"] and "read-only" in seen["final_state"]
    assert seen["read_only"] and seen["submit_disabled"]

    # A reload and another device resume the server draft and the latest results.
    assert seen["reloaded"]["title"] == "Two Sum"
    assert seen["reloaded_code"].strip() == solution.strip()
    assert seen["reloaded_results"].startswith("Submission:")
    assert seen["reloaded_final"] and seen["reloaded_call_button"] == "Rejoin the call"
    assert seen["other_device_code"].strip() == solution.strip()

    # Dark mode follows the system and can be toggled.
    dark = seen["dark"]
    assert dark["theme"] == "dark" and dark["background"] == "rgb(21, 24, 29)"
    assert dark["after_toggle"] == "light" and dark["background_after"] == "rgb(246, 247, 249)"

    # End interview, with confirmation: the session completes with the code as the final code.
    assert seen["end_confirm"] == "End the interview?"
    assert "The interview has ended" in seen["finished"]
    cur = await db.execute(
        "select status, end_reason, final_code from sessions where id = %s", (created["id"],)
    )
    row = await cur.fetchone()
    assert row is not None and (row["status"], row["end_reason"]) == ("completed", "candidate_ended")
    assert row["final_code"].strip() == solution.strip()

    # Integrity observations: the paste's size (never its text), the focus loss with its duration, the fast insert.
    for _ in range(300):  # must arrive: up to a minute on a loaded box
        observed = await events(db, created["id"], "integrity")
        if {"paste", "focus_lost", "fast_insertion", "devtools"} <= {o["kind"] for o in observed}:
            break
        await asyncio.sleep(0.2)
    kinds = {o["kind"]: o for o in observed}
    assert kinds["paste"]["chars"] == len(pasted) and "pasted" not in str(observed)
    assert kinds["focus_lost"]["duration_ms"] >= 2000
    assert kinds["fast_insertion"]["chars"] >= 80
    assert [o for o in observed if o["kind"] == "devtools"] == [
        {"kind": "devtools", "source": "keyboard_shortcut"}
    ]

    cur = await db.execute(
        "select kind from submissions where session_id = %s order by created_at", (created["id"],)
    )
    # The broken Run, the custom input, the custom input out at the reload, the Run, the Run whose answer was lost
    # (stored once), the other tab's Run stored after it, and the Submit.
    assert [r["kind"] for r in await cur.fetchall()] == ["run", "run", "run", "run", "run", "run", "submit"]
    no_violations(seen)


async def test_language_switch_keeps_a_draft_per_language_and_a_stale_tab_never_overwrites_a_newer_one(
    api_server: ApiServer, db: Db
) -> None:
    created = await api_server.create_session(
        question_id=await question_id(db, "two-sum"), language="python", languages=["python", "javascript"]
    )
    started = await api_server.client.post("/v1/join", json={"invite": created["invite"]})
    notice = started.json()["notice"]
    headers = {"Authorization": f"Bearer {created['invite']}"}
    await api_server.client.post(
        f"/v1/sessions/{created['id']}/consent",
        json={"notice_version": notice["version"], "notice_sha256": notice["sha256"], "agreed": True},
        headers=headers,
    )
    await api_server.client.post(
        f"/v1/sessions/{created['id']}/start", json={"mode": "voice"}, headers=headers
    )
    python = "def two_sum(nums, target):\n    return [1, 0]  # python draft\n"
    javascript = "function twoSum(nums, target) {\n  return [1, 0]; // js draft\n}\n"

    newer_tab = "def two_sum(nums, target):\n    return [0, 1]  # the newer tab\n"
    stale_tab = "def two_sum(nums, target):\n    return []  # the older tab\n"
    newest = "def two_sum(nums, target):\n    return [0, 1]  # newest, from the reloaded tab\n"

    seen = await drive(
        "languages",
        url=link(api_server, created),
        python=python,
        javascript=javascript,
        newer_tab=newer_tab,
        stale_tab=stale_tab,
        newest=newest,
    )

    assert seen["options"] == ["python", "javascript"]
    starter = (ROOT / "questions/two-sum/starter.js").read_text()
    assert seen["javascript_starter"].strip() == starter.strip()
    assert seen["python_back"].strip() == python.strip()
    assert seen["javascript_back"].strip() == javascript.strip()
    assert seen["reloaded_python"].strip() == python.strip()
    assert seen["reloaded_javascript"].strip() == javascript.strip()
    cur = await db.execute(
        "select language, code from session_drafts where session_id = %s", (created["id"],)
    )
    drafts = {r["language"]: r["code"] for r in await cur.fetchall()}
    # The older tab was told and saved nothing (a reload brings it the newer tab's code, and it saves from there on).
    assert drafts == {"python": newest, "javascript": javascript}
    assert "changed in another tab" in seen["stale_tab_status"]
    stale = seen["stale_tab"]
    assert stale["banner"] is not None and "another tab or window" in stale["banner"], stale
    assert stale["read_only"] == "true" and stale["run_disabled"] and stale["submit_disabled"], stale
    # End interview's confirmation is true of the code kept: the code saved last, where another tab replaced this
    # tab's ("Your current code is kept" was said there); the current code, in its language, elsewhere.
    assert "the code saved last is kept as your final code" in seen["stale_tab_end_confirm"], seen
    assert "current" not in seen["stale_tab_end_confirm"], seen
    assert "Your current Python code is kept as your final code" in seen["newer_tab_end_confirm"], seen
    assert seen["stale_tab_reloaded"].strip() == newer_tab.strip()
    # An idle tab another has saved over since it last saved: no save of its own was refused, so it believed its code
    # the newest, and its End handed that older code in as final. End now asks the server's drafts first, and asks
    # again, saying the code saved last is kept (the interview did not end: Cancel).
    assert "Your current Python code is kept" in seen["idle_tab_first_confirm"], seen
    assert "the code saved last is kept as your final code" in seen["idle_tab_second_confirm"], seen
    assert seen["idle_tab_banner"] is True, seen
    no_violations(seen)


async def test_unusable_links_say_why_and_are_forgotten(api_server: ApiServer, db: Db) -> None:
    expired = await api_server.create_session()
    await db.execute(
        "update sessions set invite_expires_at = now() - interval '1 minute' where id = %s", (expired["id"],)
    )
    finished = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/internal/sessions/{finished['id']}/complete",
        json={"final_code": None, "language": "python", "reason": "completed"},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    cancelled = await api_server.create_session()
    r = await api_server.client.post(
        f"/v1/sessions/{cancelled['id']}/cancel", headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    _, other_key = await api_server.create_org("Globex")
    foreign = await api_server.create_session(key=other_key)

    seen = await drive(
        "notices",
        urls={
            "invalid": f"{api_server.url}/join#invite=not-a-real-invite",
            "missing": f"{api_server.url}/join",
            "expired": link(api_server, expired),
            "finished": link(api_server, finished),
            "cancelled": link(api_server, cancelled),
            "other_orgs_embed": link(api_server, foreign, "/embed/acme-hiring"),
        },
    )

    assert seen["invalid"]["notice"]["title"] == "This interview link is not valid"  # 401
    assert seen["missing"]["notice"]["title"] == "This page needs your interview link"
    assert seen["expired"]["notice"]["title"] == "This interview link has expired"  # 410
    assert seen["finished"]["notice"]["title"] == "This interview has already finished"  # 409
    assert seen["cancelled"]["notice"]["title"] == "This interview was cancelled"  # 409 session_cancelled
    assert seen["other_orgs_embed"]["notice"]["title"] == "This interview link belongs to another page"
    for name, page in seen.items():
        if name.startswith("_"):
            continue
        assert page["app_hidden"], name
        assert not page["notice"]["retry_visible"], f"{name}: retrying cannot help"
        assert "#" not in page["href"] and "invite" not in page["href"], name
        if name != "other_orgs_embed":
            assert page["stored_invite"] is None, f"{name}: a refused invite is not kept"
    no_violations(seen)


async def test_a_notice_changed_while_read_is_shown_again_to_agree_to(api_server: ApiServer, db: Db) -> None:
    # The organisation changes what the notice states (here how long it keeps records) while the candidate reads
    # it. The API refuses agreement to the old text (409 notice_changed); the page must show the new text and let
    # the candidate agree to it, not repeat the refused request for ever.
    s = await api_server.create_session()
    seen = await drive(
        "noticeChanged",
        url=link(api_server, s),
        change={
            "url": f"{api_server.url}/v1/organization",
            "key": api_server.org_key,
            "body": {"retention_days": 45},
        },
    )
    assert seen["change_status"] == 200
    assert "for 180 days" in seen["before"]
    refused = seen["refused"]
    assert refused["welcome_visible"]
    assert "for 45 days" in refused["notice"] and "for 180 days" not in refused["notice"], refused["notice"]
    assert not refused["checked"], "agreeing to the new text takes a new tick"
    assert "changed" in refused["error"].lower(), refused["error"]
    assert seen["after_agreeing_again"] == {"device_check": True, "error": ""}
    [consent] = await events(db, s["id"], "consent")  # one, to the text shown
    assert consent["retention_days"] == 45
    no_violations(seen)


async def test_a_request_the_network_swallows_ends_in_a_retry_not_an_endless_spinner(
    api_server: ApiServer,
) -> None:
    # The join's request is held without an answer (as a captive portal or a dead link would). Two minutes on the
    # page's clock later the candidate has been told the server could not be reached, and Retry opens the interview.
    s = await api_server.create_session()
    seen = await drive("stalledJoin", url=link(api_server, s), wait_ms=120_000)
    assert seen["after_wait"] == {
        "loading_visible": False,
        "notice": "We could not reach the interview server",
        "retry_visible": True,
    }
    assert seen["after_retry"] == "Your interview with Acme Hiring"
    no_violations(seen)


async def test_code_typed_just_before_a_reload_is_in_the_editor_after_it(api_server: ApiServer) -> None:
    # The autosave waits for a pause in typing; a reload (or a closed tab) inside that pause, confirmed at the
    # browser's prompt, must not take the last keystrokes with it.
    s = await started(api_server, text_only=True)
    typed = "  # typed a moment before the reload"
    seen = await drive("reloadWhileTyping", url=link(api_server, s), typed=typed)
    assert seen["status_before"] == "pending", "the reload came before the autosave"
    assert typed in seen["code"], seen["code"]


async def test_the_countdown_follows_the_servers_clock_not_the_devices(api_server: ApiServer, db: Db) -> None:
    # The interview ends at the server's ends_at; a device clock ten minutes slow showed ten minutes more than the
    # candidate had (runs then refused as time up while the page said 10:00 left), and one ten minutes fast made
    # them hurry or give up early. Two sessions, each 45 minutes, started 5 minutes ago by the server's clock.
    for skew_min in (-10, 10):
        s = await started(api_server, text_only=True, duration_minutes=45)
        await db.execute(
            # Two seconds more: the page knows the server's time only to its Date header's second (up to a second
            # ahead of what is left, web/src/serverclock.ts), and a page opened within a second of this showed 40:01.
            "update sessions set started_at = now() - interval '5 minutes 2 seconds' where id = %s",
            (s["id"],),
        )
        seen = await drive("skewedClock", url=link(api_server, s), skew_ms=skew_min * 60_000, wait_ms=1500)
        for reading in (seen["opened"]["clock"], seen["later"]["text"]):
            minutes, seconds = (int(x) for x in reading.split(":"))
            left_s = minutes * 60 + seconds
            assert 39 * 60 <= left_s <= 40 * 60, (skew_min, reading)
        assert seen["later"]["state"] == "running"
