"""Configuration of the grader (`SHADOWS_GRADER_*`; the key also as the SDK's own `OPENAI_API_KEY`)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from judge.credential_mask import CredentialFreeRepr


class GraderSettings(CredentialFreeRepr, BaseSettings):  # printed with URL credentials masked
    """The grading model: stronger than the interviewer's, on any OpenAI-compatible server."""

    model_config = SettingsConfigDict(
        env_prefix="SHADOWS_GRADER_",
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        env_parse_none_str="none",  # SHADOWS_GRADER_TEMPERATURE=none: not sent
        hide_input_in_errors=True,  # a validation error would print every input, secrets included
    )

    model: str = Field(default="gpt-4.1", min_length=1, max_length=200)
    # Any OpenAI-compatible server (vLLM, Azure's /openai/v1, a local fake); None: api.openai.com.
    base_url: str | None = None
    # SHADOWS_GRADER_API_KEY first (a key for grading alone), else the SDK's OPENAI_API_KEY; these two names only:
    # an alias is an environment name too, and a bare `API_KEY` (anyone's) would be sent to the grading server.
    # `GraderSettings(api_key=...)` is the field's name (populate_by_name).
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SHADOWS_GRADER_API_KEY", "OPENAI_API_KEY")
    )
    # Independent samples per version; the stored score is their median per dimension (3 in production).
    samples: int = Field(default=1, ge=1, le=9)
    # `none`: not sent (reasoning models refuse it). Some variety is what makes several samples worth having.
    temperature: float | None = Field(default=0.2, ge=0, le=2)
    max_output_tokens: int = Field(default=6000, ge=500, le=64_000)
    timeout_s: float = Field(default=180.0, gt=0, le=1800)
    # The SDK's own retries of one call (connection errors, 429, 5xx) before the queue's retries take over.
    sdk_retries: int = Field(default=2, ge=0, le=10)
    # USD per million tokens, for the cost recorded on each version (defaults: gpt-4.1's list prices).
    price_input_per_mtok: float = Field(default=2.0, ge=0)
    price_output_per_mtok: float = Field(default=8.0, ge=0)

    @property
    def configured(self) -> bool:
        """A key, or a server of our own (which may need none)."""
        return self.api_key is not None or self.base_url is not None

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        return round(
            (input_tokens * self.price_input_per_mtok + output_tokens * self.price_output_per_mtok)
            / 1_000_000,
            6,
        )


@lru_cache
def get_grader_settings() -> GraderSettings:
    return GraderSettings()
