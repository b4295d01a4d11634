"""Wave 3 of the ATS audit: what a candidate's own text can make Shadows send, and the partner-facing holes found
with the fake Greenhouse and Ashby (tests/fakes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import DictRow

from api import share_links
from api.integrations import profile_links
from api.integrations.invites import invite_message
from api.settings import ApiSettings
from tests.api.grading_support import wait_until
from tests.api.integration_support import end_interview, grading_worker, simulate_interview
from tests.conftest import ApiServer, StartWorker
from tests.fakes.greenhouse import FakeGreenhouse
from tests.fakes.smtp import SmtpSink, with_mail_server

Conn = psycopg.AsyncConnection[DictRow]
JOIN = "http://127.0.0.1/join#invite=inv_x"


def _invite(name: str) -> str:
    message = invite_message(
        ApiSettings(smtp_from="Shadows <interviews@example.com>"),
        to_name=name,
        to_email="victim@example.com",
        organization="Acme",
        join_url=JOIN,
        assessment={
            "session_id": "ses_1",
            "invite_expires_at": datetime(2026, 12, 1, tzinfo=UTC),
            "duration_minutes": 45,
        },
    )
    return str(message.get_content()) + "\n" + str(message["To"])


# A candidate types their own name into the ATS's application form, with any e-mail address: a "name" that is a
# link, a domain, an address or markup must not reach that address in an e-mail from Shadows.
HOSTILE_NAMES = [
    "https://evil.example/login Potter",
    "evil.example",
    "www.evil.example",
    "Reset:https://evil.example",
    "help@evil.example",
    "[Click](https://evil.example)",
    "<a href=https://evil.example>Start</a>",
    "Hal Visit https://evil.example now",
    "\uff45\uff56\uff49\uff4c\uff0e\uff45\uff58",  # full-width "evil.ex"
    "evil\u3002example",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_candidate_name_never_carries_a_link_or_markup_into_the_invite(name: str) -> None:
    text = _invite(name)
    assert "evil" not in text and "<a" not in text and "](" not in text
    assert [u for u in re.findall(r"https?://\S+", text) if u != JOIN] == []
    if name.startswith("Hal "):
        assert text.startswith("Hello Hal,")
    else:
        assert text.startswith("Hello,")


@pytest.mark.parametrize(
    ("name", "greeting", "to"),
    [
        ("Hal Potter", "Hello Hal,", "Hal Potter <victim@example.com>"),
        ("O'Brien", "Hello O'Brien,", "O'Brien <victim@example.com>"),
        ("Jean-Luc Picard", "Hello Jean-Luc,", "Jean-Luc Picard <victim@example.com>"),
        ("J. Doe", "Hello J.,", '"J. Doe" <victim@example.com>'),
        ("Nguyễn Văn An", "Hello Nguyễn,", None),
        ("李 小龙", "Hello 李,", None),
        ("艾哈迈德\u00b7阿里", "Hello 艾哈迈德\u00b7阿里,", None),
    ],
)
def test_names_that_read_as_names_are_greeted_as_before(name: str, greeting: str, to: str | None) -> None:
    text = _invite(name)
    assert text.startswith(greeting + "\n")
    if to is not None:
        assert text.endswith(to)


@pytest.fixture
def api_settings(api_settings: ApiSettings, smtp: SmtpSink) -> ApiSettings:
    return with_mail_server(api_settings, smtp.url)


async def test_a_link_sent_as_a_greenhouse_candidates_name_is_not_e_mailed_by_shadows(
    api_server: ApiServer,
    greenhouse: FakeGreenhouse,
    smtp: SmtpSink,
    start_worker: StartWorker,
    tmp_path: Path,
) -> None:
    candidate = {
        "first_name": "Hal",
        "preferred_name": "https://evil.example/verify-your-account",
        "last_name": "Potter",
        "email": "someone.else@hogwarts.example",
    }
    sent = await greenhouse.send_test("difficulty:easy", candidate)
    assert sent.status_code == 200, sent.text
    grading_worker(start_worker, api_server, tmp_path / "grader", SHADOWS_API_SMTP_URL=smtp.url)

    async def mailed() -> bool:
        return len(smtp.received) == 1

    await wait_until(mailed, what="the invite e-mail")
    (mail,) = smtp.received
    assert mail.rcpt_tos == ["someone.else@hogwarts.example"]
    assert mail.text.startswith("Hello,\r\n")
    assert "evil" not in mail.text and "evil" not in str(mail.message["To"])
    assert re.findall(r"https?://\S+", mail.text) == [
        (await greenhouse.test_status(sent.json()["partner_interview_id"])).json()["metadata"]["join_url"]
    ]


async def test_a_rotated_greenhouse_key_hands_greenhouse_a_live_report_link_at_once(
    api_server: ApiServer, greenhouse: FakeGreenhouse, db: Conn, start_worker: StartWorker, tmp_path: Path
) -> None:
    # The profile link is bound to the key Greenhouse read it with, so a rotation kills it at once; the link bound
    # to the new key was handed over only by the hourly sweep, and recruiters opened a dead report meanwhile.
    sent = await greenhouse.send_test(
        "difficulty:easy", {"first_name": "Hal", "email": "hal@hogwarts.example"}
    )
    interview = sent.json()["partner_interview_id"]
    grader_dir = tmp_path / "grader"
    grader_dir.mkdir()
    (grader_dir / "release").touch()
    grading_worker(start_worker, api_server, grader_dir)
    await simulate_interview(api_server, interview)
    await end_interview(api_server, interview)

    async def reads(n: int) -> bool:
        return sum(p.status_read is not None for p in greenhouse.patches) >= n

    await wait_until(lambda: reads(1), what="Greenhouse's PATCH")
    old = greenhouse.patches[-1].status_read
    assert old is not None and old["partner_status"] == "complete"
    old_token = old["partner_profile_url"].rsplit("/", 1)[1]

    r = await api_server.client.post("/v1/integrations/greenhouse/keys", headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    greenhouse.key = r.json()["key"]  # the Account Manager enters the new key
    with pytest.raises(share_links.ShareLinkRevokedError):
        await share_links.verify(db, api_server.settings, old_token)

    await wait_until(lambda: reads(2), within_s=20, what="the PATCH after the rotation")
    patch = greenhouse.patches[-1]
    assert patch.authorized and patch.errors == [] and patch.status_read is not None
    token = patch.status_read["partner_profile_url"].rsplit("/", 1)[1]
    assert token != old_token
    assert (await share_links.verify(db, api_server.settings, token)).session_id == interview
    # Handed over once: a run again (another key issue's job waiting, say) finds the link bound to the live key.
    cur = await db.execute("select organization_id from ats_assessments where session_id = %s", (interview,))
    row = await cur.fetchone()
    assert row is not None
    assert (
        await profile_links.hand_over_after_rotation(
            db, api_server.settings, row["organization_id"], "greenhouse"
        )
        == 0
    )
