"""The grading model behind a small client: one chat completion with a strict JSON-schema response format, through
the `openai` SDK (any OpenAI-compatible server), its errors translated into `grader.errors` at this boundary."""

from __future__ import annotations

import asyncio
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

import openai
import structlog
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from grader.errors import GraderError, GraderRejectedError, GraderUnavailableError
from grader.settings import GraderSettings

log = structlog.get_logger(__name__)

Message = ChatCompletionMessageParam
# Past any context window: a count above it is a broken server's, and with up to 9 samples of two calls each the sum
# stays within the database's integer columns.
MAX_TOKENS_PER_CALL = 100_000_000
# The longest the SDK waits before one of its own retries: a server's Retry-After is honoured up to two minutes.
SDK_RETRY_WAIT_S = 120.0


def call_deadline_s(settings: GraderSettings) -> float:
    """How long one `complete` may take, the SDK's retries and their waits included. The SDK's timeout bounds each
    wait for a piece of the response, not the response: a server or proxy that sends a byte at a time within it (a
    keep-alive, a stalled upstream) would hold the grading, and the session's re-grades, for as long as it went on."""
    return settings.timeout_s * (settings.sdk_retries + 1) + SDK_RETRY_WAIT_S * settings.sdk_retries


@dataclass(frozen=True)
class ModelReply:
    content: str | None
    refusal: str | None
    finish_reason: str | None
    input_tokens: int
    output_tokens: int
    model: str
    seconds: float


def model_name(reported: str | None, asked: str) -> str:
    """The model as the server names it, as text that can be stored: a broken proxy's NUL, control character or
    lone surrogate would make Postgres refuse the outcome, and so fail every version as a bug. The model asked for
    when nothing printable is left."""
    kept = "".join(c for c in reported or "" if unicodedata.category(c) not in ("Cc", "Cs", "Cf")).strip()
    return kept[:200] or asked


def translate(e: openai.OpenAIError) -> GraderError:
    """The model server's failure as our error: transient ones are retryable, refusals of the request are not."""
    if isinstance(e, openai.APITimeoutError):
        return GraderUnavailableError("The grading model did not answer in time.")
    if isinstance(e, openai.APIConnectionError):
        return GraderUnavailableError("The grading model's server cannot be reached.")
    if isinstance(e, openai.AuthenticationError | openai.PermissionDeniedError):
        return GraderRejectedError("The grading model's server refused our key.", code="grader_auth_failed")
    if isinstance(e, openai.NotFoundError):
        return GraderRejectedError(
            "The grading model does not exist on its server.", code="grader_model_not_found"
        )
    if isinstance(e, openai.RateLimitError | openai.InternalServerError | openai.ConflictError):
        return GraderUnavailableError("The grading model's server is overloaded or failing.")
    if isinstance(e, openai.APIStatusError) and e.status_code >= 500:
        return GraderUnavailableError("The grading model's server is failing.")
    if isinstance(e, openai.APIStatusError):
        return GraderRejectedError("The grading model's server rejected the request.")
    if isinstance(e, openai.APIResponseValidationError):
        return GraderUnavailableError("The grading model's server sent a malformed response.")
    return GraderError("The grading model failed.")


def _count(value: object) -> int:
    """A token count as the server reports it, when it is one (an integer from 0 to `MAX_TOKENS_PER_CALL`); else 0."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TOKENS_PER_CALL:
        return value
    if value is not None:
        log.warning("grader.usage_not_a_count", value_type=type(value).__name__)
    return 0


def reply_of(response: Any, asked: str, seconds: float) -> ModelReply:
    """The answer's fields, read as their types: the SDK does not check a response's types (a broken server or
    proxy can send `"content": ["..."]`, `"prompt_tokens": null` or a count past the database's integer), and any
    of them failed the version as a bug (internal_error), or left it pending when Postgres refused the count.
    An answer whose content is not text is a malformed response (retryable, as the SDK's own validation errors)."""
    choices = getattr(response, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise GraderUnavailableError("The grading model's server sent no answer.")
    message = getattr(choices[0], "message", None)
    content = getattr(message, "content", None)
    if message is None or not isinstance(content, str | None):
        raise GraderUnavailableError("The grading model's server sent a malformed response.")
    refusal = getattr(message, "refusal", None)
    finish_reason = getattr(choices[0], "finish_reason", None)
    usage = getattr(response, "usage", None)
    reported = getattr(response, "model", None)
    return ModelReply(
        content=content,
        refusal=refusal if isinstance(refusal, str) else None,
        finish_reason=finish_reason if isinstance(finish_reason, str) else None,
        input_tokens=_count(getattr(usage, "prompt_tokens", None)),
        output_tokens=_count(getattr(usage, "completion_tokens", None)),
        model=model_name(reported if isinstance(reported, str) else None, asked),
        seconds=seconds,
    )


def _failed(e: BaseException, error: GraderError) -> GraderError:
    """`error`, logged with what the model server did (never the request or the answer)."""
    log.warning(
        "grader.model_error",
        error_type=type(e).__name__,
        status=getattr(e, "status_code", None),
        code=error.code,
        retryable=error.retryable,
    )
    return error


class GraderClient:
    """One per process and event loop (it keeps a connection pool); `aclose()` or `async with`."""

    def __init__(self, settings: GraderSettings) -> None:
        self.settings = settings
        key = (
            settings.api_key.get_secret_value() if settings.api_key else "unused"
        )  # a local server needs none
        self._client = openai.AsyncOpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.sdk_retries,
        )

    async def complete(self, messages: list[Message], schema: dict[str, Any]) -> ModelReply:
        response_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": {"name": "scorecard", "strict": True, "schema": schema},
        }
        started = time.monotonic()
        try:
            async with asyncio.timeout(call_deadline_s(self.settings)):
                raw = await self._client.chat.completions.with_raw_response.create(
                    model=self.settings.model,
                    messages=messages,
                    response_format=response_format,
                    max_completion_tokens=self.settings.max_output_tokens,
                    temperature=self.settings.temperature
                    if self.settings.temperature is not None
                    else openai.omit,
                )
        except TimeoutError as e:
            raise _failed(
                e, GraderUnavailableError("The grading model did not finish its answer in time.")
            ) from e
        except openai.OpenAIError as e:
            raise _failed(e, translate(e)) from e
        try:
            response = raw.parse()
        except (ValueError, RecursionError) as e:
            # A body labelled JSON that is not (cut short by a proxy, empty, not UTF-8, nested past the parser's
            # depth): the SDK raises the parser's own error, which is no GraderError (the job's internal_error).
            raise _failed(
                e, GraderUnavailableError("The grading model's server sent a malformed response.")
            ) from e
        return reply_of(response, self.settings.model, time.monotonic() - started)

    async def aclose(self) -> None:
        await self._client.close()

    async def __aenter__(self) -> GraderClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
