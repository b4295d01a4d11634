"""Every rate limit of the API's settings is refused at start-up when it is not in `limits` notation, naming its
variable: a malformed one was read only when the first request it counts arrived, a 500 on every such request. So is
one the counters cannot keep: a count of 0 (every request refused for ever), a window of 0 units (`limits` reads it
as 1), a count or window so large that Redis refuses the script's numbers (a 503 on every request)."""

from __future__ import annotations

import pytest
from limits import parse_many
from pydantic import SecretStr, ValidationError

from api.settings import ApiSettings


def _settings() -> ApiSettings:
    return ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="test",
        internal_token=SecretStr("x" * 32),
        livekit_api_key="key",
        livekit_api_secret=SecretStr("s" * 32),
    )


def _parses(value: object) -> bool:
    try:
        parse_many(value)  # type: ignore[arg-type]  # anything a field defaults to: only a str can parse
    except (ValueError, TypeError, AttributeError):
        return False
    return True


def _limits() -> list[str]:
    """The settings that are rate limits: by name, and any other field whose default is in `limits` notation, so
    a limit added under another name is checked too."""
    return sorted(
        name
        for name, field in ApiSettings.model_fields.items()
        if name.endswith("_rate_limit") or (isinstance(field.default, str) and _parses(field.default))
    )


def test_the_candidate_page_limits_are_among_those_checked() -> None:
    limits = _limits()
    assert {
        "run_rate_limit",
        "integrity_rate_limit",
        "draft_rate_limit",
        "webhook_endpoint_rate_limit",
    } <= set(limits)
    assert len(limits) >= 27


@pytest.mark.parametrize("value", ["often", "", "10/fortnight", "10/minute;", "-1/minute"])
def test_every_rate_limit_is_refused_at_start_up_when_malformed(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    accepted = []
    for name in _limits():
        monkeypatch.setenv(f"SHADOWS_API_{name.upper()}", value)
        try:
            _settings()
        except ValidationError as e:
            assert name in str(e) and "limits` notation" in str(e), (name, str(e))
        else:
            accepted.append(name)
        monkeypatch.delenv(f"SHADOWS_API_{name.upper()}")
    assert accepted == []


def test_every_rate_limit_takes_a_well_formed_value(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _limits():
        monkeypatch.setenv(f"SHADOWS_API_{name.upper()}", "7/minute;70/day")
    settings = _settings()
    assert {getattr(settings, name) for name in _limits()} == {"7/minute;70/day"}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0/minute", "0 requests"),
        ("0 per second", "0 requests"),
        ("20/minute;0/hour", "0 requests"),
        ("10/0 minutes", "window of 0 units"),
        ("20/minute;10/00 hour", "window of 0 units"),
        ("1000000001/hour", "past what the counters keep"),
        ("99999999999999999999/second", "past what the counters keep"),
        ("5/367 days", "past what the counters keep"),
        ("1/100000000000 years", "past what the counters keep"),
    ],
)
def test_every_rate_limit_is_refused_at_start_up_when_the_counters_cannot_keep_it(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    accepted = []
    for name in _limits():
        monkeypatch.setenv(f"SHADOWS_API_{name.upper()}", value)
        try:
            _settings()
        except ValidationError as e:
            assert name in str(e) and says in str(e), (name, str(e))
        else:
            accepted.append(name)
        monkeypatch.delenv(f"SHADOWS_API_{name.upper()}")
    assert accepted == []


@pytest.mark.parametrize("value", ["1/second", "100000000/hour", "1000000000/366 days", "5/2 minutes;9/day"])
def test_the_largest_and_smallest_limits_the_counters_keep_are_taken(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    for name in _limits():
        monkeypatch.setenv(f"SHADOWS_API_{name.upper()}", value)
    settings = _settings()
    assert {getattr(settings, name) for name in _limits()} == {value}
