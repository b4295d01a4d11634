"""Pure pieces of the integrations: the 0-100 score mapping, the flat and typed views of a scorecard, the retry
schedule, sealing, and the settings that guard them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr, ValidationError

from api.errors import UnprocessableError
from api.integrations import ashby_updates
from api.integrations.ashby import AshbyCandidate
from api.integrations.greenhouse import GreenhouseCandidate, check_callback_url, is_greenhouse_host
from api.integrations.invites import invite_message, smtp_options
from api.integrations.keys import PREFIXES, new_key
from api.outbound_settings import DEV_SEALING_KEY
from api.schemas import CandidateIn, PracticeCreate
from api.score_summary import FLAT_KEYS, flat_metadata, partner_score, summary
from api.sealing import SealedValueError, Sealer
from api.settings import ApiSettings
from api.webhooks import schedule
from api.webhooks.delivery import body_of, readable
from tests.fakes.ashby import update_errors
from tests.fakes.greenhouse import status_answer_errors


@pytest.mark.parametrize(
    ("overall", "score"),
    [(1.0, 0), (1.75, 25), (2.0, 33), (2.5, 50), (3.0, 67), (3.25, 75), (4.0, 100), (None, None)],
)
def test_partner_score_maps_the_overall_score_linearly_onto_0_to_100(
    overall: float | None, score: int | None
) -> None:
    assert partner_score(overall) == score


def _version(status: str = "ready", **facts: Any) -> dict[str, Any]:
    def dim(score: int) -> dict[str, Any]:
        bands = ["strong_no_hire", "no_hire", "hire", "strong_hire"]
        return {
            "score": score,
            "band": bands[score - 1],
            "justification": "Seen.",
            "evidence": [{"seq": 1, "quote": ""}],
        }

    card = {
        "recommendation": "strong_hire",
        "dimensions": {
            "problem_solving": dim(4),
            "coding": dim(4),
            "verification": dim(3),
            "communication": dim(4),
        },
    }
    return {
        "version": 2,
        "status": status,
        "reason": None if status == "ready" else "citations_unverified",
        "scorecard": card if status == "ready" else None,
        "facts": {"language": "python", **facts},
        "overall_score": 3.75 if status == "ready" else None,
        "needs_human_review": False,
        "rubric_version": "two-sum@1",
        "completed_at": datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    }


def test_summary_and_flat_metadata_of_a_ready_version() -> None:
    v = _version(
        visible_tests={"final": {"passed": 3, "total": 3}},
        hidden_tests={"best": {"passed": 9, "total": 9}, "final": {"passed": 7, "total": 9}},
        hints=[{"seq": 4, "t": 10.0}, {"seq": 9, "t": 99.0}],
    )
    s = summary(v)
    assert (s["score"], s["recommendation"], s["overall_score"]) == (92, "strong_hire", 3.75)
    assert s["tests"] == {
        "visible": {"passed": 3, "total": 3},
        "hidden": {"passed": 7, "total": 9},
    }  # the final one
    flat = flat_metadata(s)
    assert tuple(flat) == FLAT_KEYS
    assert (flat["tests_passed"], flat["visible_tests_passed"], flat["hints"]) == ("7/9", "3/3", 2)
    assert all(isinstance(v, str | int | float | bool | type(None)) for v in flat.values())
    assert flat_metadata(None) == dict.fromkeys(FLAT_KEYS)


def test_a_failed_version_has_no_score_and_always_needs_review() -> None:
    s = summary(_version("failed"))
    assert (s["score"], s["recommendation"], s["needs_human_review"], s["reason"]) == (
        None,
        None,
        True,
        "citations_unverified",
    )


def test_ashby_result_fields_are_typed_and_valid_for_ashby() -> None:
    # Closed by the stall sweep an hour past the interview's own end: the length is the time the candidate used
    # (the facts' `time_used_s`, 41 minutes), never `ended_at - started_at` (101), which reads as an overrun.
    session = {
        "started_at": datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        "ended_at": datetime(2026, 12, 7, 10, 41, tzinfo=UTC),
    }
    at = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    ready = ashby_updates.result(
        "ses_1",
        at,
        _version(hidden_tests={"final": {"passed": 9, "total": 9}}, time_used_s=2460.0),
        session,
        "https://x.example/r",
    )
    assert update_errors(ready) == []
    meta = {m["identifier"]: (m["type"], m["value"]) for m in ready["metadata"]}
    assert meta == {
        "recommendation": ("string", "Strong hire"),
        "duration": ("numeric_duration_minutes", 41),
        "tests_passed": ("string", "9/9"),
        "all_tests_passed": ("boolean_success", True),
        "needs_human_review": ("string", "No"),
        # `_version` is version 2: a re-grade's result says so.
        "scorecard_version": ("string", ashby_updates.regraded_note(2)),
    }
    assert ready["timestamp"] == int(at.timestamp() * 1000)
    failed = ashby_updates.result("ses_1", at, _version("failed"), session, "https://x.example/r")
    assert update_errors(failed) == []
    # No time used in the facts: no length, rather than the close's.
    assert not [m for m in failed["metadata"] if m["identifier"] == "duration"]
    # What the candidate asked for on their interview page: one typed field in fixed words, only when they asked.
    asked = ashby_updates.result(
        "ses_1", at, _version("failed"), session, "https://x.example/r", {"accommodation", "human_interview"}
    )
    assert update_errors(asked) == []
    (requests,) = [m for m in asked["metadata"] if m["identifier"] == "candidate_requests"]
    assert (requests["type"], requests["value"]) == ("string", "An interview with a person; An accommodation")
    assert not [m for m in failed["metadata"] if m["identifier"] == "candidate_requests"]
    assert failed["assessment_result"]["type"] == "string"
    assert update_errors(ashby_updates.started("ses_1", at)) == []
    assert update_errors(ashby_updates.grading("ses_1", at)) == []
    assert update_errors(ashby_updates.cancelled("ses_1", at)) == []


def test_the_fakes_catch_what_the_vendors_reject() -> None:
    """The fakes' validators are what the end-to-end tests rely on: they must refuse what the vendors refuse."""
    assert status_answer_errors(
        {"partner_status": "complete", "partner_profile_url": None, "partner_score": 1, "metadata": {}}
    )
    assert status_answer_errors(
        {
            "partner_status": "sent",
            "partner_profile_url": None,
            "partner_score": None,
            "metadata": {"nested": {"a": 1}},
        }
    )
    assert status_answer_errors({"partner_status": "sent", "metadata": {}})  # missing keys, not null
    bad_type = {
        "assessment_id": "x",
        "timestamp": 1796642400000,
        "assessment_status": {"identifier": "s", "label": "S", "type": "percent", "value": 1},
    }
    assert update_errors(bad_type)
    no_profile = {
        "assessment_id": "x",
        "timestamp": 1796642400000,
        "assessment_status": {"identifier": "s", "label": "S", "type": "string", "value": "Completed"},
        "assessment_result": {"identifier": "r", "label": "R", "type": "numeric_score", "value": 5},
    }
    assert update_errors(no_profile)
    seconds = {**no_profile, "timestamp": 1796642400, "assessment_result": None}
    assert update_errors(seconds)


def test_retry_delays_follow_the_schedule_with_bounded_jitter_and_honour_retry_after() -> None:
    settings = ApiSettings(_env_file=None, environment="test", webhook_retry_delays_s="10,100")  # type: ignore[call-arg]  # pydantic-settings init kwarg
    for _ in range(200):
        d1 = schedule.next_delay(settings, 1)
        d2 = schedule.next_delay(settings, 2)
        assert d1 is not None and 9.0 <= d1 <= 11.0
        assert d2 is not None and 90.0 <= d2 <= 110.0
    assert schedule.next_delay(settings, 3) is None  # used up: the delivery fails
    assert schedule.next_delay(settings, 0) is None
    with_header = schedule.next_delay(settings, 1, retry_after_s=50)
    assert with_header is not None and with_header >= 50
    capped = schedule.next_delay(settings, 1, retry_after_s=10**9)
    assert (
        capped is not None and capped <= 110.0
    )  # a receiver cannot push a retry past the schedule's longest wait


def test_the_default_schedule_retries_for_at_least_24_hours_even_at_minimum_jitter() -> None:
    delays = ApiSettings(_env_file=None).webhook_retry_delays  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert sum(delays) * 0.9 >= 24 * 3600


def _deployed(**overrides: Any) -> ApiSettings:
    base: dict[str, Any] = {
        "_env_file": None,
        "environment": "production",
        "database_url": "postgresql://x/y",
        "internal_token": secrets.token_urlsafe(32),
        "share_signing_key": secrets.token_urlsafe(32),
        "livekit_api_key": "prod-key",
        "livekit_api_secret": secrets.token_urlsafe(32),
        "sealing_keys": Fernet.generate_key().decode(),
        "metrics_token": secrets.token_urlsafe(32),
    }
    return ApiSettings(**{**base, **overrides})


def test_deployments_refuse_a_short_schedule_and_the_development_sealing_key() -> None:
    assert _deployed().egress_guard is True
    with pytest.raises(ValidationError, match="at least 24 hours"):
        _deployed(webhook_retry_delays_s="1,2,3")
    with pytest.raises(ValidationError, match="development key"):
        _deployed(sealing_keys=DEV_SEALING_KEY)
    with pytest.raises(ValidationError, match="comma-separated"):
        _deployed(webhook_retry_delays_s="soon")
    assert ApiSettings(_env_file=None, environment="test", webhook_retry_delays_s="0.1").egress_guard is False  # type: ignore[call-arg]  # pydantic-settings init kwarg


def test_sealing_rotates_keys_and_refuses_foreign_values() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_old = Sealer((old,)).seal("whsec_abc")
    both = Sealer((new, old))
    assert both.open(sealed_old) == "whsec_abc"  # an old row opens after a new key is put in front
    assert Sealer((new,)).open(both.seal("x")) == "x"  # and new rows are sealed with the new key
    with pytest.raises(SealedValueError):
        Sealer((new,)).open(sealed_old)
    with pytest.raises(ValueError, match="32 url-safe"):
        Sealer(("not-a-key",))


def test_integration_keys_are_prefixed_random_and_short_enough_for_greenhouse() -> None:
    keys = {new_key("greenhouse") for _ in range(50)}
    assert len(keys) == 50 and all(k.startswith(PREFIXES["greenhouse"]) and len(k) < 171 for k in keys)
    assert new_key("ashby").startswith("shab_")


def test_the_body_is_the_envelope_in_a_fixed_order_and_stable() -> None:
    stored = {
        "data": {
            "z": 1,
            "metadata": {"b": 2, "a": 1},
            "session_id": "ses_1",
            "candidate": {"external_id": None},
        },
        "timestamp": "2026-12-07T10:00:00.000000Z",
        "type": "session.completed",
    }
    assert list(readable(stored)) == ["type", "timestamp", "data"]
    assert list(readable(stored)["data"]) == ["session_id", "candidate", "metadata", "z"]
    assert body_of(stored) == body_of(dict(reversed(list(stored.items()))))
    assert body_of({"type": "t", "timestamp": "x", "data": {"m": "é"}}).isascii()


def test_retry_later_decisions() -> None:
    policy = schedule.DeliveryRetryPolicy()

    class _Job:
        attempts = 3

    decision = policy.get_retry_decision(exception=schedule.RetryLater(60, "http_status"), job=_Job())  # type: ignore[arg-type]  # a stand-in job
    assert decision is not None and decision.retry_at is not None
    assert timedelta(seconds=59) < decision.retry_at - datetime.now(UTC) <= timedelta(seconds=60)
    assert policy.get_retry_decision(exception=ValueError("bug"), job=_Job()) is None  # type: ignore[arg-type]  # a stand-in job


def test_a_lost_database_connection_is_retried_however_often_the_job_has_run() -> None:
    # Every RetryLater (a receiver's failure, a wait for a free slot) is a run of the job: a delivery that waited on
    # a slow receiver has run dozens of times. Given up on then, a lost connection failed the job and left its row
    # pending for ever: never sent, and refused as pending by replay and send-again.
    policy = schedule.DeliveryRetryPolicy()

    class _Job:
        attempts = 60

    decision = policy.get_retry_decision(
        exception=psycopg.OperationalError("server closed the connection"), job=_Job()
    )  # type: ignore[arg-type]  # a stand-in job
    assert decision is not None and decision.retry_at is not None
    assert decision.retry_at - datetime.now(UTC) <= timedelta(seconds=300)


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("app.greenhouse.io", True),
        ("APP.GREENHOUSE.IO.", True),
        ("greenhouse.io", True),
        ("app.eu.greenhouse.io", True),
        ("greenhouse.io.evil.example", False),
        ("evilgreenhouse.io", False),
        ("127.0.0.1", False),
    ],
)
def test_greenhouse_callback_hosts(host: str, allowed: bool) -> None:
    settings = ApiSettings(_env_file=None, environment="test")  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert is_greenhouse_host(settings, host) is allowed


@pytest.mark.parametrize("url", ["https://xn--greenhouse-.io/x", "https://xn--a.greenhouse.io/x"])
def test_a_callback_url_whose_host_is_not_idna_is_an_invalid_url_not_a_crash(url: str) -> None:
    # httpx parses an A-label it cannot decode and raised idna's error only when the host was read: send_test's 500.
    settings = ApiSettings(_env_file=None).model_copy(update={"environment": "staging"})  # type: ignore[call-arg]  # pydantic-settings init kwarg
    with pytest.raises(UnprocessableError) as refused:
        check_callback_url(settings, url)
    assert refused.value.code == "invalid_url"


def test_an_empty_smtp_url_means_no_email_and_urls_become_aiosmtplib_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHADOWS_API_SMTP_URL", "")
    assert ApiSettings(_env_file=None).smtp_url is None  # type: ignore[call-arg]  # pydantic-settings init kwarg
    plain = ApiSettings(_env_file=None, environment="test", smtp_url="smtp://mailer:p%40ss@mail.test")  # type: ignore[call-arg]  # pydantic-settings init kwarg
    options = smtp_options(plain)
    assert (options["hostname"], options["port"], options["username"], options["password"]) == (
        "mail.test",
        587,
        "mailer",
        "p@ss",
    )
    assert (options["use_tls"], options["start_tls"]) == (False, None)  # STARTTLS when offered, locally
    assert smtp_options(_deployed(smtp_url="smtp://mail.test"))["start_tls"] is True  # required when deployed
    tls = smtp_options(_deployed(smtp_url="smtps://mail.test"))
    assert (tls["port"], tls["use_tls"], tls["start_tls"]) == (465, True, None)
    # Start-up refuses such a URL (tests/api/test_smtp_settings.py); settings made another way meet the same rule.
    unchecked = ApiSettings(_env_file=None).model_copy(update={"smtp_url": SecretStr("http://mail.test")})  # type: ignore[call-arg]  # pydantic-settings init kwarg
    with pytest.raises(ValueError, match="smtp://"):
        smtp_options(unchecked)


FORGED = "Hal\r\nBcc: everyone@example.com\u2028\u0085Strong hire"


def test_names_are_stored_as_one_line_and_a_blank_one_is_refused() -> None:
    # A name with line breaks (an ATS passes on what an applicant typed) is one line from the edge on: it goes into
    # an e-mail header, the report's heading and the interviewer's greeting.
    assert (
        CandidateIn(name=FORGED, email="hal@example.com").name == "Hal Bcc: everyone@example.com Strong hire"
    )
    assert PracticeCreate(name="  Grace\n\tHopper ").name == "Grace Hopper"
    # Overrides and isolates go (a name never needs them); right-to-left letters and joiners inside a word stay, a
    # run of joiners that joins nothing goes (tests/api/test_one_line_invisible.py).
    assert CandidateIn(name="Ada \u202eeriH gnortS\u202c \u2067x\u2069", email="a@example.com").name == (
        "Ada eriH gnortS x"
    )
    assert CandidateIn(name="\u05d3\u05e0\u05d4 \u200c\u200d", email="a@example.com").name == (
        "\u05d3\u05e0\u05d4"
    )
    assert CandidateIn(
        name="\u05d3\u05e0\u05d4 \u0639\u0644\u06cc\u200c\u0632\u0627\u062f\u0647", email="a@example.com"
    ).name == ("\u05d3\u05e0\u05d4 \u0639\u0644\u06cc\u200c\u0632\u0627\u062f\u0647")
    gh = GreenhouseCandidate(first_name="Hal\n", last_name="Pot\rter", email="hal@example.com")
    assert gh.display_name() == "Hal Pot ter"
    ashby = AshbyCandidate(ashby_id="c1", first_name="A\x0bda", last_name="\n", email="ada@example.com")
    assert (ashby.first_name, ashby.last_name) == ("A da", "")
    for blank in ("\r\n", " \u2028 "):
        with pytest.raises(ValidationError, match="must not be blank"):
            CandidateIn(name=blank, email="hal@example.com")
        with pytest.raises(ValidationError, match="must not be blank"):
            GreenhouseCandidate(first_name=blank, email="hal@example.com")
    with pytest.raises(ValidationError, match="NUL"):
        CandidateIn(name="Ha\x00l", email="hal@example.com")


INVISIBLE = (
    "\u200b\u200b",
    "\u00ad",
    "\ufeff",
    "\u2060",
    "\u034f",
    "\U000e0041",
    "\u3164",
    "\u115f\u1160",
    "\u2800",
)


def test_a_name_of_invisible_characters_is_blank() -> None:
    # Found in round 3 of the ATS audit: a name made only of characters that draw nothing (zero-width space, soft
    # hyphen, word joiner, tags, Hangul fillers, the blank braille cell) passed the blank check, so an ATS could
    # schedule an interview for a candidate with no visible name; as a preferred name it stood in for the real
    # first name. A required name needs a letter or a digit; an optional one without is empty.
    for invisible in INVISIBLE:
        with pytest.raises(ValidationError, match="must not be blank"):
            CandidateIn(name=invisible, email="hal@example.com")
        with pytest.raises(ValidationError, match="must not be blank"):
            GreenhouseCandidate(first_name=invisible, email="hal@example.com")
        with pytest.raises(ValidationError, match="must not be blank"):
            AshbyCandidate(ashby_id="c1", first_name=f" {invisible} ", email="ada@example.com")
        gh = GreenhouseCandidate(
            first_name="Harry", preferred_name=invisible, last_name=invisible, email="h@example.com"
        )
        assert gh.display_name() == "Harry" and gh.other_names() == ()
    # Names in any script, with their marks and joiners, stay as they are.
    for name in (
        "\u674e\u96f7",
        "Zo\u0065\u0308",
        "\u0d15\u0d4d\u200d",
        "\ud55c\uac15",
        "X \u00c6 A-12",
        "7",
    ):
        assert CandidateIn(name=name, email="a@example.com").name == name


def test_the_invite_goes_out_whatever_line_breaks_a_stored_name_has() -> None:
    # A row written before names were kept to one line, or an organisation's name: the invite is still built (a line
    # break in a header raised ValueError, and the job failed for good without e-mailing the candidate).
    settings = ApiSettings(smtp_from="Shadows <interviews@example.com>")
    message = invite_message(
        settings,
        to_name=FORGED,
        to_email="hal@example.com",
        organization="Acme\r\nX-Injected: 1",
        join_url="http://127.0.0.1/join#invite=inv_x",
        assessment={
            "session_id": "ses_1",
            "invite_expires_at": datetime(2026, 12, 1, tzinfo=UTC),
            "duration_minutes": 45,
        },
    )
    assert message["Subject"] == "Your technical interview with Acme X-Injected: 1"
    assert [a.addr_spec for a in message["To"].addresses] == ["hal@example.com"]
    assert {k.lower() for k in message} == {
        "from",
        "to",
        "subject",
        "message-id",
        "content-type",
        "content-transfer-encoding",
        "mime-version",
    }
    assert message.get_content().startswith("Hello Hal,")


def test_a_session_cannot_be_set_to_expire_before_an_interview_begun_on_its_invite_could_end() -> None:
    # An invite used at its last minute starts an interview of up to 180 + 180 minutes (extra time) plus the grace
    # hour; the session expiring before that ends the interview under the candidate (410 session_expired).
    longest_h = (180 + 180 + 60) / 60
    with pytest.raises(ValidationError, match="SHADOWS_API_SESSION_EXPIRY_HOURS"):
        ApiSettings(_env_file=None, environment="test", invite_ttl_hours=72, session_expiry_hours=72)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    with pytest.raises(ValidationError, match="SHADOWS_API_SESSION_EXPIRY_HOURS"):
        _deployed(invite_ttl_hours=200, session_expiry_hours=168)
    fits = ApiSettings(_env_file=None, environment="test", invite_ttl_hours=72, session_expiry_hours=72 + 8)  # type: ignore[call-arg]  # pydantic-settings init kwarg
    assert fits.session_expiry_hours - fits.invite_ttl_hours >= longest_h
    assert _deployed().session_expiry_hours >= _deployed().invite_ttl_hours + longest_h  # the defaults fit
