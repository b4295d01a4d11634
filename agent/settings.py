"""Agent worker settings: LiveKit, providers, API access, interview timing (env prefix SHADOWS_AGENT_)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from judge.credential_mask import CredentialFreeRepr

PLACEHOLDER_PREFIXES = ("change-me", "devkey", "devsecret", "dev-")


def _sdk(name: str, ours: str) -> AliasChoices:
    """Accept the SDK's own variable name (e.g. OPENAI_API_KEY) as well as our prefixed one, and nothing else: every
    alias is an environment name, and a bare one (`OTLP_ENDPOINT`) would read a variable that is not ours."""
    return AliasChoices(name, f"SHADOWS_AGENT_{ours}")


class AgentSettings(CredentialFreeRepr, BaseSettings):  # printed with URL credentials masked
    """Settings for the LiveKit interviewer worker. SDK credentials keep the SDKs' own env names."""

    model_config = SettingsConfigDict(
        env_prefix="SHADOWS_AGENT_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        hide_input_in_errors=True,  # a validation error would print every input, secrets included
    )

    # local | test | staging | production: placeholder secrets are refused outside local/test.
    environment: Literal["local", "test", "staging", "production"] = "local"
    agent_name: str = "shadows-interviewer"

    # LiveKit server (SDK names).
    livekit_url: str | None = Field(default=None, validation_alias=_sdk("LIVEKIT_URL", "LIVEKIT_URL"))
    livekit_api_key: SecretStr | None = Field(
        default=None, validation_alias=_sdk("LIVEKIT_API_KEY", "LIVEKIT_API_KEY")
    )
    livekit_api_secret: SecretStr | None = Field(
        default=None, validation_alias=_sdk("LIVEKIT_API_SECRET", "LIVEKIT_API_SECRET")
    )

    health_port: int | None = None  # the worker's health HTTP server; None: livekit's default (8081; 0 = any)

    # Shadows internal API.
    api_url: str = "http://127.0.0.1:8000"
    api_token: SecretStr | None = None

    # Providers. Always plugin objects; never "provider/model" strings (they route to LiveKit's cloud gateway).
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=_sdk("OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    deepgram_api_key: SecretStr | None = Field(
        default=None, validation_alias=_sdk("DEEPGRAM_API_KEY", "DEEPGRAM_API_KEY")
    )
    llm_model: str = "gpt-4.1-mini"
    llm_base_url: str | None = None
    llm_temperature: float | None = None
    stt_provider: Literal["deepgram", "openai"] = "deepgram"
    stt_model: str | None = None  # default per provider: nova-3 (Deepgram), gpt-4o-mini-transcribe (OpenAI)
    tts_provider: Literal["openai", "deepgram"] = "openai"
    tts_model: str | None = (
        None  # default per provider: gpt-4o-mini-tts (OpenAI), aura-2-andromeda-en (Deepgram)
    )
    tts_voice: str = "ash"
    realtime: bool = False
    realtime_model: str = "gpt-realtime-mini"

    # Interview behaviour.
    coding_checkin_s: float = 120.0  # no speech and no typing while coding: a short question
    coding_checkin_offer_s: float = 300.0  # ... still nothing: offer to talk it through or a hint
    no_show_ping_s: float = 20.0  # the candidate never spoke: "can you hear me?"
    no_show_mic_s: float = 60.0  # ... a microphone hint
    no_show_end_s: float = 180.0  # ... the interview ends as no_show
    # The candidate was heard, then nothing (no speech, no typing) outside coding: this long after both last spoke,
    # "are you still there?", as long again, the microphone hint; never an ending (agent.silence).
    quiet_checkin_s: float = 90.0
    user_away_timeout_s: float = 20.0  # the framework's "away" state after this much joint silence
    time_warnings_min: tuple[int, ...] = (10, 5)
    candidate_rejoin_grace_s: float = 120.0  # a candidate gone this long ends the interview
    overtime_s: float = 180.0  # after time is up: wrap-up grace before the interview is ended
    snapshot_stale_s: float = 5.0
    editor_rpc_timeout_s: float = 5.0
    code_view_max_chars: int = 4000  # the code shown to every model turn while coding (whole file below)
    # The conversation one model turn sees, in characters of ASCII (others count more, as their tokens do:
    # agent.history ``text_size``): past it the oldest items are left out.
    context_max_chars: int = Field(default=300_000, ge=10_000)
    # A paste of at least this many characters while coding gives the interviewer one neutral note (agent.paste).
    paste_note_min_chars: int = Field(default=300, ge=1)
    practice_difficulty: Literal["Easy", "Medium", "Hard"] | None = "Easy"
    practice_language: str = "python"
    default_duration_minutes: int = 45
    questions_dir: str = "questions"

    # Turn-taking. Coding uses longer endpointing so thinking-aloud pauses do not trigger a reply.
    min_endpointing_delay_s: float = 0.5
    max_endpointing_delay_s: float = 3.0
    coding_min_endpointing_delay_s: float = 1.5
    coding_max_endpointing_delay_s: float = 6.0
    # A candidate who asked in the greeting for time to answer (agent.candidate_asked): every later phase's
    # endpointing delays and the quiet before "are you still there?" are this many times longer.
    time_to_answer_factor: float = Field(default=2.0, ge=1.0, le=3.0)
    interruption_min_s: float = 0.5  # speech needed to interrupt the agent
    coding_interruption_min_s: float = 0.8  # ... while coding (a session option, set on entering the phase)

    # The coding-phase turn decision (agent.turns): a small model, same provider and base URL as the LLM.
    turn_classifier_model: str = "gpt-4.1-nano"
    turn_classifier_timeout_s: float = 2.0

    # Event log (agent.recorder): send within this interval, fsync the spool within this one.
    event_flush_interval_s: float = Field(default=0.25, gt=0, le=1.0)
    event_fsync_interval_s: float = Field(default=0.2, gt=0, le=1.0)

    # Persistence.
    spool_dir: str = ".data/spool"
    # How long a spool nobody holds, and a `<spool>.rejected` file, may stay on this host (agent.spool_replay
    # prunes older ones at each job's start). Capped at half the shortest retention period an organisation can
    # set (1 day): candidate data never outlives the period the candidate was promised here.
    spool_max_age_s: float = Field(default=6 * 3600.0, gt=0, le=12 * 3600.0)
    # ... and the worker's own process prunes them every this often too, so a host that runs no job keeps none.
    spool_prune_interval_s: float = Field(default=600.0, gt=0, le=3600.0)

    # One interviewer per session (the API's claim, api/db/interviewers_repo.py): a job refused because another
    # holds the session asks again every `claim_retry_s` for up to `claim_wait_s` before it leaves, so that a holder
    # that died before LiveKit saw it in the room (no leave reported) is replaced once its 40 s lease runs out,
    # rather than leaving the candidate with no interviewer. A live holder renews its lease: the job then leaves.
    claim_wait_s: float = Field(default=50.0, ge=0, le=300)
    claim_retry_s: float = Field(default=5.0, gt=0, le=60)

    # Capacity (agent/capacity.py): interviews one worker takes before LiveKit sends jobs elsewhere.
    sessions_per_core: float = Field(default=4.0, gt=0)  # python -m bench agent_voice (docs/agent-bench.md)
    max_sessions: int | None = Field(default=None, ge=1)  # overrides sessions_per_core x cores
    cpu_load_ceiling: float = Field(
        default=0.85, gt=0, le=1
    )  # CPU at which the worker is full anyway; 1 = off

    # Observability (agent/metrics.py, agent/telemetry.py): Prometheus on this port (off when unset), job
    # processes' samples in metrics_dir; OTLP/HTTP traces when OTEL_EXPORTER_OTLP_ENDPOINT is set.
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    metrics_dir: str = ".data/agent-metrics"
    otlp_endpoint: str | None = Field(
        default=None, validation_alias=_sdk("OTEL_EXPORTER_OTLP_ENDPOINT", "OTLP_ENDPOINT")
    )
    otel_service_name: str = "shadows-agent"
    # USD per million tokens as [input, cached input, output] by model, added to agent/metrics.DEFAULT_PRICES.
    llm_prices: dict[str, tuple[float, float, float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _no_placeholder_secrets(self) -> AgentSettings:
        if self.environment in ("local", "test"):
            return self
        checks = {
            "SHADOWS_AGENT_API_TOKEN": self.api_token,
            "LIVEKIT_API_KEY": self.livekit_api_key,
            "LIVEKIT_API_SECRET": self.livekit_api_secret,
        }
        for name, secret in checks.items():
            if secret is not None and secret.get_secret_value().startswith(PLACEHOLDER_PREFIXES):
                raise ValueError(f"{name} is a development placeholder; set a real secret")
        if self.api_token is not None and len(self.api_token.get_secret_value()) < 32:
            raise ValueError("SHADOWS_AGENT_API_TOKEN must be at least 32 characters")
        return self

    def missing_for_start(self) -> list[str]:
        """Env variables that `start` needs but are unset, named as the operator would set them."""
        missing: list[str] = []
        if not self.livekit_url:
            missing.append("LIVEKIT_URL")
        if self.livekit_api_key is None:
            missing.append("LIVEKIT_API_KEY")
        if self.livekit_api_secret is None:
            missing.append("LIVEKIT_API_SECRET")
        if self.api_token is None:
            missing.append("SHADOWS_AGENT_API_TOKEN")
        return missing + self.missing_provider_keys()

    def missing_provider_keys(self) -> list[str]:
        """Provider API keys the configured STT/LLM/TTS need but are unset."""
        needed: set[str] = {"OPENAI_API_KEY"}
        if not self.realtime and (self.stt_provider == "deepgram" or self.tts_provider == "deepgram"):
            needed.add("DEEPGRAM_API_KEY")
        have = {
            "OPENAI_API_KEY": self.openai_api_key is not None,
            "DEEPGRAM_API_KEY": self.deepgram_api_key is not None,
        }
        return sorted(k for k in needed if not have[k])


@lru_cache(maxsize=1)
def get_settings() -> AgentSettings:
    """The process-wide agent settings; tests override via `get_settings.cache_clear()` or pass their own."""
    return AgentSettings()


def export_metrics_dir(path: Path) -> None:
    """Make `path` prometheus-client's multiprocess directory, for this process and the job processes it starts
    (the library reads PROMETHEUS_MULTIPROC_DIR from the environment when it is imported)."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
