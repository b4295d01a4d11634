"""A settings error names what is wrong and never prints a secret.

pydantic prints the whole input of a model-level validation error (`input_value={...}`): every environment value
the settings read, secrets included (cut in the middle when long, so the first and last values whole). A
deployment that fails its settings check writes that error to its logs, so each settings class hides its inputs
in errors."""

from __future__ import annotations

import ast
import importlib

import pytest
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from tests.conftest import ROOT

SECRET = "sk-live-a-secret-nobody-may-log-0123456789"
PACKAGES = ("agent", "api", "grader", "judge", "bench", "tools")


def _settings_classes() -> list[type[BaseSettings]]:
    """Every `class X(BaseSettings)` in the project's packages, found in the source rather than listed by hand, so
    a new one cannot be missed."""
    found: list[type[BaseSettings]] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "BaseSettings" for b in node.bases
                ):
                    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                    found.append(getattr(importlib.import_module(module), node.name))
    return found


def test_every_settings_class_hides_its_inputs_in_errors() -> None:
    classes = _settings_classes()
    names = {c.__module__ for c in classes}
    assert {
        "agent.settings",
        "api.settings",
        "api.jobs.settings",
        "grader.settings",
        "judge.settings",
    } <= names
    assert [c.__qualname__ for c in classes if not c.model_config.get("hide_input_in_errors")] == []


def _error(build: object) -> str:
    with pytest.raises(ValidationError) as caught:
        build()  # type: ignore[operator]
    return str(caught.value)


def test_the_agents_settings_error_names_the_problem_without_the_provider_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from agent.settings import AgentSettings

    monkeypatch.setenv("SHADOWS_AGENT_ENVIRONMENT", "production")
    monkeypatch.setenv("SHADOWS_AGENT_API_TOKEN", "too-short")
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("DEEPGRAM_API_KEY", SECRET + "-deepgram")
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET + "-livekit")

    text = _error(lambda: AgentSettings(_env_file=None))

    assert "SHADOWS_AGENT_API_TOKEN" in text
    assert SECRET not in text and "too-short" not in text
    assert "input_value" not in text  # pydantic cuts a long input in the middle: its ends are still secrets


def test_the_apis_settings_error_names_the_problem_without_the_tokens(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from api.settings import ApiSettings

    monkeypatch.setenv("SHADOWS_API_INTERNAL_TOKEN", SECRET)
    monkeypatch.setenv("LIVEKIT_API_SECRET", SECRET + "-livekit")
    monkeypatch.setenv("SHADOWS_API_SHARE_LINK_DAYS", "60")
    monkeypatch.setenv("SHADOWS_API_SHARE_LINK_MAX_DAYS", "30")

    text = _error(lambda: ApiSettings(_env_file=None))

    assert "SHADOWS_API_SHARE_LINK_DAYS exceeds" in text
    assert SECRET not in text and "input_value" not in text


def test_a_field_error_does_not_echo_the_value_either(monkeypatch: pytest.MonkeyPatch) -> None:
    """A secret put in the wrong variable (a key pasted into a URL's place) is not printed back."""
    from grader.settings import GraderSettings

    monkeypatch.setenv("SHADOWS_GRADER_TEMPERATURE", SECRET)

    text = _error(lambda: GraderSettings(_env_file=None))

    assert "temperature" in text.lower()
    assert SECRET not in text


@pytest.mark.parametrize(
    ("env", "names"),
    [
        # No scheme: every assessment.update was invalid_url, retried for three days, then failed.
        ({"SHADOWS_API_ASHBY_BASE_URL": "api.ashbyhq.com"}, "SHADOWS_API_ASHBY_BASE_URL"),
        ({"SHADOWS_API_ASHBY_BASE_URL": "https://user:pw@api.ashbyhq.com"}, "SHADOWS_API_ASHBY_BASE_URL"),
        ({"SHADOWS_API_ASHBY_BASE_URL": "https://api.ashbyhq.com/?v=1"}, "SHADOWS_API_ASHBY_BASE_URL"),
        (
            {"SHADOWS_API_ENVIRONMENT": "staging", "SHADOWS_API_ASHBY_BASE_URL": "http://api.ashbyhq.com"},
            "SHADOWS_API_ASHBY_BASE_URL",
        ),
        # An address the guard refuses at every request (loopback, link-local metadata, private, and one written
        # with a final dot), or a name DNS cannot hold: every assessment.update was retried for days, then failed.
        *(
            (
                {"SHADOWS_API_ENVIRONMENT": "staging", "SHADOWS_API_ASHBY_BASE_URL": url},
                "SHADOWS_API_ASHBY_BASE_URL",
            )
            for url in (
                "https://127.0.0.1:8443/",
                "https://[::1]/",
                "https://169.254.169.254/",
                "https://10.1.2.3./",
                "https://[::ffff:192.168.0.1]/",
            )
        ),
        ({"SHADOWS_API_ASHBY_BASE_URL": "http://api..ashbyhq.com"}, "SHADOWS_API_ASHBY_BASE_URL"),
        # A URL or a port where a domain goes: every send_test was 422 "not a Greenhouse address".
        ({"SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS": "https://greenhouse.io"}, "CALLBACK_DOMAINS"),
        ({"SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS": "greenhouse.io:443"}, "CALLBACK_DOMAINS"),
        # A bare top-level domain lets the PATCH carrying the organisation's key go to any host under it.
        ({"SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS": "greenhouse.io, io"}, "CALLBACK_DOMAINS"),
        # An address the guard refuses, as a domain: a url on it was taken, and its PATCH refused at every attempt.
        (
            {
                "SHADOWS_API_ENVIRONMENT": "staging",
                "SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS": "greenhouse.io,10.0.0.1",
            },
            "CALLBACK_DOMAINS",
        ),
        # None outside local: every send_test refused.
        (
            {"SHADOWS_API_ENVIRONMENT": "staging", "SHADOWS_API_GREENHOUSE_CALLBACK_DOMAINS": " , "},
            "CALLBACK_DOMAINS",
        ),
    ],
)
def test_ats_addresses_that_cannot_work_are_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], names: str
) -> None:
    from api.settings import ApiSettings

    for name, value in env.items():
        monkeypatch.setenv(name, value)

    text = _error(lambda: ApiSettings(_env_file=None))

    assert names in text
    assert "pw@" not in text


def test_the_default_ats_addresses_and_loopback_ones_for_local_work_are_accepted() -> None:
    from api.settings import ApiSettings

    assert ApiSettings(_env_file=None).greenhouse_callback_domain_list == ["greenhouse.io"]
    local = ApiSettings(
        _env_file=None,
        ashby_base_url="http://127.0.0.1:8123/",
        greenhouse_callback_domains="Greenhouse.IO., eu.greenhouse.io",
    )
    assert local.greenhouse_callback_domain_list == ["greenhouse.io", "eu.greenhouse.io"]
    # Outside local and test, only a refused address is refused: a public one written as an address, or a name
    # (checked at each request, after its lookup), is not.
    from api import egress

    for url in ("https://93.184.215.14/", "https://api.ashbyhq.com/", "https://[2606:4700::1111]/"):
        egress.refuse_private_literal(egress.parse_url(url, guard=True))


@pytest.mark.parametrize("value", ["5,nan", "NaN", "300, -nan ,60"])
@pytest.mark.parametrize(
    ("variable", "settings_class"),
    [
        ("SHADOWS_API_WEBHOOK_RETRY_DELAYS_S", "api.settings.ApiSettings"),
        ("SHADOWS_WORKER_RETRY_DELAYS_S", "api.jobs.settings.WorkerSettings"),
    ],
)
def test_a_retry_delay_that_is_not_a_number_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch, value: str, variable: str, settings_class: str
) -> None:
    # float() reads "nan", and NaN fails no `d < 0 or d > max` test: the schedule passed, and a delivery's retry
    # then waited NaN seconds (again at once, then an interval PostgreSQL cannot store).
    module, name = settings_class.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), name)
    monkeypatch.setenv(variable, value)

    assert variable in _error(lambda: cls(_env_file=None))
