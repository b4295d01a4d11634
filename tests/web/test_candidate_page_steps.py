"""The candidate's own steps (agreeing to the notice, ending the interview) against a server that refuses them for a
while, in Debian's headless chromium against the real API: each refusal is said in the page's own sentences, and a
wait the server named (429 or 503 with Retry-After) is waited out before the step can be taken again. The wording
rules are in web/src/messages.test.ts, run by test_web_units.py."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from api import notice_versions
from api.notice_versions import versions
from tests.conftest import ApiServer
from tests.web.conftest import ARTIFACTS, run_driver
from tests.web.page_sessions import started

pytestmark = pytest.mark.browser
DRIVER = Path(__file__).with_name("drive_candidate_steps.cjs")
ROOT = Path(__file__).resolve().parents[2]


async def drive(scenario: str, **plan: Any) -> dict[str, Any]:
    plan.setdefault("shots", str(ARTIFACTS / f"steps-{scenario}"))
    body = await run_driver(DRIVER, {"scenario": scenario, **plan}, limit_s=240)
    bad = {state: v for state, v in body["axe"].items() if v}
    assert bad == {}, bad
    return dict(body["result"])


async def test_a_busy_server_refusing_the_end_is_waited_out_and_said_in_sentences(
    api_server: ApiServer,
) -> None:
    # End interview refused with 503 and Retry-After came back at once under "Service Unavailable Try again.": the
    # server had said how long, and a candidate pressing End again and again keeps a limit from ever resetting.
    # The consent refused by a proxy's 500 page read "Internal Server Error Try again." the same way.
    s = await api_server.create_session(text_only=True)
    seen = await drive("refusedSteps", url=f"{api_server.url}/join#invite={s['invite']}", retry_after_s=4)
    assert seen["consent_error"] == (
        "Your agreement was not saved: The interview server had a problem. Try again."
    ), seen
    during = seen["during"]
    assert during["end_disabled"] is True and during["finished"] is False, during
    assert (
        "The interview could not be ended: The interview server had a problem. Try again in 4 seconds."
        in during["announced"]
    ), during
    assert seen["confirm_opened_early"] is False and seen["ends_after_early_click"] == 1, seen
    assert seen["held_ms"] >= 2500, seen
    assert seen["after"]["finished"] is True and seen["ends"] == 2, seen
    got = await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())
    assert got.json()["status"] == "completed", got.text


async def test_a_notice_replaced_after_the_consent_is_shown_and_agreed_to_before_the_interview_starts(
    api_server: ApiServer, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A candidate who agreed to v2 before v3 shipped (v3 first names the developer-tools observation) started on
    # that consent: any stored consent counted. The API serves in this process, so the deploy of the newer version
    # is the version list growing back once the consent to the older one is stored.
    older = versions()[:-1]
    s = await api_server.create_session(text_only=True)
    monkeypatch.setattr(notice_versions, "_versions", lambda: tuple(older))

    async def ship_once_agreed() -> None:
        for _ in range(1200):  # at most 2 minutes: the page's consent, with a loaded host's slack
            cur = await db.execute(
                "select 1 from session_events where session_id = %s and type = 'consent'", (s["id"],)
            )
            if await cur.fetchone():
                monkeypatch.undo()
                return
            await asyncio.sleep(0.05)

    shipped = asyncio.create_task(ship_once_agreed())
    seen = await drive(
        "replacedNotice", url=f"{api_server.url}/join#invite={s['invite']}", invite=s["invite"]
    )
    await shipped
    replaced = seen["replaced"]
    assert replaced["said"].startswith("The notice changed after you agreed to it"), replaced
    assert replaced["checked"] is False and replaced["notice"] != seen["first_notice"], replaced
    assert seen["agreed_again"].startswith("Your agreement is saved."), seen
    assert seen["started"] is True
    cur = await db.execute(
        "select payload ->> 'notice_version' as v from session_events where session_id = %s and type = 'consent'"
        " order by seq",
        (s["id"],),
    )
    assert [r["v"] for r in await cur.fetchall()] == [older[-1], versions()[-1]]


async def test_a_refused_accommodation_request_is_said_in_sentences_and_waits_out_a_busy_server(
    api_server: ApiServer,
) -> None:
    # "The request was not sent: Internal Server Error" said neither what went wrong nor to try again, and a 503 with
    # Retry-After left Send to be pressed again at once. By keyboard, focus stays on Send through the wait.
    s = await api_server.create_session()
    seen = await drive(
        "refusedAccommodation", url=f"{api_server.url}/join#invite={s['invite']}", retry_after_s=3
    )
    assert seen["after_500"]["status"] == (
        "The request was not sent: The interview server had a problem. Try again."
    ), seen
    after = seen["after_503"]
    assert after["status"] == (
        "The request was not sent: The interview server had a problem. Try again in 3 seconds."
    ), seen
    assert after["focused"] == "accommodation-send" and after["held"] == "true", after
    assert seen["sent_after_early_enter"] == 2, "Send must not ask before the wait is over"
    assert seen["after_wait"]["status"] == "You can send your request again now.", seen
    assert seen["after_wait"]["focused"] == "accommodation-send", seen
    assert seen["done"]["status"].startswith("Your request was sent"), seen
    r = await api_server.client.get(f"/v1/sessions/{s['id']}", headers=api_server.org_headers())
    kinds = [e["type"] for e in r.json()["events"]]
    assert kinds.count("accommodation_request") == 1, kinds


async def test_a_run_refused_by_a_busy_server_names_the_wait_and_holds_run_submit_and_custom_input(
    api_server: ApiServer,
) -> None:
    # A Run answered 503 with Retry-After said "Try again." and gave Run, Submit and custom input back at once.
    s = await started(api_server, text_only=True)
    seen = await drive("refusedRun", url=f"{api_server.url}/join#invite={s['invite']}", retry_after_s=4)
    during = seen["during"]
    assert during["said"] == (
        "Running code is unavailable right now (not a problem with your code). Try again in 4 seconds."
    ), during
    assert during["disabled"] == ["run", "submit", "custom-run"], during
    assert seen["runs_after_early_click"] == 1, "Run must not ask before the wait is over"
    assert seen["after"]["disabled"] == [], seen


async def _interviewer_runs_after_the_candidate(
    api_server: ApiServer, db: Any, session_id: str
) -> dict[str, Any]:
    """The interviewer's `run_tests` of the question's reference solution, as soon as the candidate's Run is stored
    (the session's one run at a time: asked earlier, it is refused while the candidate's runs)."""
    cur = await db.execute(
        "select q.slug from sessions s join questions q on q.id = s.question_id where s.id = %s",
        (session_id,),
    )
    slug = (await cur.fetchone())["slug"]
    for _ in range(1200):  # at most 2 minutes, the judge's time for the candidate's Run
        cur = await db.execute("select 1 from submissions where session_id = %s", (session_id,))
        if await cur.fetchone():
            break
        await asyncio.sleep(0.1)
    r = await api_server.client.post(
        f"/v1/internal/sessions/{session_id}/runs",
        json={"language": "python", "code": (ROOT / "questions" / slug / "reference.py").read_text()},
        headers=api_server.internal_headers(),
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.sandbox
async def test_a_run_whose_answer_a_gateway_replaced_with_502_is_followed_to_the_report_stored(
    api_server: ApiServer, db: Any
) -> None:
    # The judge ran it and the API stored it; a proxy's 502 page came back instead, and the page said "Running code
    # is unavailable right now… Try again", the stored report never shown. And the interviewer's `run_tests`, stored
    # a moment after it, was taken for it: its results shown as the candidate's Run.
    s = await started(api_server, text_only=True)
    theirs = asyncio.create_task(_interviewer_runs_after_the_candidate(api_server, db, s["id"]))
    seen = await drive("gatewayRun", url=f"{api_server.url}/join#invite={s['invite']}", session_id=s["id"])
    interviewer = await theirs
    assert seen["runs"] == 1 and seen["api_status"] == 200, seen
    lost = "The server's answer to your Run was lost on the way (not a problem with your code). It may still be running"
    assert lost in seen["said"] and lost in seen["heard"], seen
    assert "Try again" not in seen["said"], seen
    r = await api_server.client.get(
        f"/v1/sessions/{s['id']}/results",
        params={"by": "candidate"},
        headers={"Authorization": f"Bearer {s['invite']}"},
    )
    run = r.json()["run"]
    assert run["by"] == "candidate" and run["submission_id"] != interviewer["submission_id"], run
    assert seen["summary"] == f"Run: {run['passed']} of {run['total']} tests passed", (seen, run)
    assert run["passed"] < interviewer["passed"] == interviewer["total"], (run, interviewer)


async def test_a_device_clock_set_back_or_forward_moves_none_of_the_pages_own_intervals(
    api_server: ApiServer,
) -> None:
    # The page timed its own intervals on the device's clock. Set back ten minutes (a laptop waking and syncing a
    # clock that ran fast), the "look at once" when the network came back was put off ten minutes (the regular
    # check with it), and a person typing slowly was reported as 80 characters inserted in 0 ms; set forward, a
    # 2.5 s absence was reported as twenty minutes. An integrity observation is read by the hiring team.
    s = await started(api_server, text_only=True)
    seen = await drive("clockJumps", url=f"{api_server.url}/join#invite={s['invite']}", flush_ms=7000)
    assert seen["joins_after_online"] >= 1, seen
    kinds = [o["kind"] for o in seen["observations"]]
    assert "fast_insertion" not in kinds, seen["observations"]
    away = [o for o in seen["observations"] if o["kind"] == "focus_lost"]
    assert len(away) == 1 and 2000 <= away[0]["duration_ms"] < 10_000, seen["observations"]
