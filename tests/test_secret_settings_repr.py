"""A settings object printed whole (`repr`, `str`, rich's pretty printer: a traceback renderer that shows locals, a
debugger, a log line that names it) never shows a secret. SecretStr fields print `**********`; a password in
DATABASE_URL or in the Redis URL sat in plain `str` fields and was printed whole."""

from __future__ import annotations

from typing import Any

import pytest
from rich.pretty import pretty_repr

from agent.settings import AgentSettings
from api.jobs.settings import WorkerSettings
from api.settings import ApiSettings
from grader.settings import GraderSettings
from judge.credential_mask import CredentialFreeRepr
from judge.settings import JudgeSettings
from tests.test_settings_errors import _settings_classes

DB_PASSWORD = "cnry-db-pw-e4a9c1"
REDIS_PASSWORD = "cnry-redis-pw-b7d203"
SECRETS = {
    "DATABASE_URL": f"postgresql://shadows:{DB_PASSWORD}@db.internal:5432/shadows",
    "SHADOWS_API_REDIS_URL": f"redis://:{REDIS_PASSWORD}@cache.internal:6379/0",
    "SHADOWS_API_INTERNAL_TOKEN": "cnry-internal-token-0123456789abcdef01",
    "SHADOWS_API_SHARE_SIGNING_KEY": "cnry-share-key-0123456789abcdef0123456789",
    "SHADOWS_API_METRICS_TOKEN": "cnry-metrics-token-0123456789abcdef0123",
    "SHADOWS_API_SMTP_URL": "smtp://mailer:cnry-smtp-pw-41f0@smtp.internal:587",
    "LIVEKIT_API_KEY": "livekit-key-id-5d1e",  # the key's id (LiveKit's "API key"), not a secret; its secret is
    "LIVEKIT_API_SECRET": "cnry-livekit-secret-0123456789abcdef0123",
    "SUPABASE_URL": "https://project.supabase.co",
    "SUPABASE_SERVICE_ROLE_KEY": "cnry-supabase-key-0123456789abcdef",
    "SHADOWS_JUDGE_REMOTE_TOKEN": "cnry-judge-token-0123456789abcdef0123",
    "SHADOWS_AGENT_API_TOKEN": "cnry-agent-token-0123456789abcdef",
    "OPENAI_API_KEY": "sk-cnry-openai-0123456789",
    "DEEPGRAM_API_KEY": "cnry-deepgram-0123456789",
    "SHADOWS_GRADER_API_KEY": "cnry-grader-key-0123456789",
    # Credentials a deployment may write into the URLs of the services it calls.
    "SHADOWS_JUDGE_REMOTE_URLS": "https://api:cnry-judge-url-pw-1@judge-1.internal:8100",
    "SHADOWS_GRADER_BASE_URL": "https://grader:cnry-grader-url-pw-2@llm.internal/v1",
    "SHADOWS_AGENT_LLM_BASE_URL": "https://agent:cnry-llm-url-pw-3@llm.internal/v1",
    "SHADOWS_AGENT_API_URL": "https://agent:cnry-api-url-pw-4@api.internal",
}
URL_PASSWORDS = ["cnry-judge-url-pw-1", "cnry-grader-url-pw-2", "cnry-llm-url-pw-3", "cnry-api-url-pw-4"]
CANARIES = [
    DB_PASSWORD,
    REDIS_PASSWORD,
    "cnry-smtp-pw-41f0",
    *URL_PASSWORDS,
    *(v for k, v in SECRETS.items() if "cnry" in v and "://" not in v),
]


@pytest.mark.parametrize(
    "cls",
    [ApiSettings, WorkerSettings, JudgeSettings, AgentSettings, GraderSettings],
    ids=lambda c: c.__name__,
)
def test_no_settings_object_prints_a_secret(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    settings = cls(_env_file=None)
    for shown in (repr(settings), str(settings), pretty_repr(settings)):
        for canary in CANARIES:
            assert canary not in shown, f"{cls.__name__} printed {canary}"


def test_every_settings_class_prints_credential_free() -> None:
    # Found in the source (tests/test_settings_errors.py), so that a new settings class cannot be missed.
    classes = _settings_classes()
    assert len(classes) >= 5
    for cls in classes:
        assert issubclass(cls, CredentialFreeRepr), f"{cls.__module__}.{cls.__name__} prints URLs whole"


def test_the_urls_are_still_read_whole() -> None:
    settings = ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg
        database_url=SECRETS["DATABASE_URL"],
        redis_url=SECRETS["SHADOWS_API_REDIS_URL"],
    )
    assert settings.database_url == SECRETS["DATABASE_URL"]
    assert settings.redis_url == SECRETS["SHADOWS_API_REDIS_URL"]
    assert "db_pool_min=" in repr(settings), "the rest of the settings no longer print"
