"""Errors raised by the agent package, with the hierarchy the worker and tools rely on.

    AgentError                      base of everything the agent raises on purpose
    ├── ProviderConfigError         (agent.providers) a selected STT/LLM/TTS provider has no API key
    └── ApiError(code, status, retryable)
        ├── SessionNotFoundError    404 session_not_found: unknown session id
        ├── SessionFinishedError    409 session_finished: completed, abandoned or cancelled
        └── ApiUnavailableError     transport failure, timeout, 408/429 or 5xx (retryable=True)

Only errors with ``retryable=True`` are ever retried (by the event recorder, or by the API client for
idempotent calls). A 4xx other than 408/429 means the request itself is wrong and retrying cannot help.
"""

from __future__ import annotations


class AgentError(Exception):
    """Base error of the agent package."""


class ApiError(AgentError):
    """The internal API refused a request or could not be reached.

    ``code`` is the API's stable error code (``{"error": {"code": ...}}``) or one of ours
    (``api_unreachable``, ``http_<status>``); ``status`` is the HTTP status, ``None`` without a response.
    """

    def __init__(self, code: str, message: str = "", *, status: int | None = None, retryable: bool = False):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status = status
        self.retryable = retryable


class SessionNotFoundError(ApiError):
    """The session id is unknown to the API."""

    def __init__(self, message: str = "session not found") -> None:
        super().__init__("session_not_found", message, status=404, retryable=False)


class SessionFinishedError(ApiError):
    """The session is completed, abandoned or cancelled: nothing more may happen in it."""

    def __init__(self, message: str = "session is finished") -> None:
        super().__init__("session_finished", message, status=409, retryable=False)


class ApiUnavailableError(ApiError):
    """The API could not answer right now (network, timeout, overload, 5xx); trying again later may work."""

    def __init__(
        self, code: str = "api_unreachable", message: str = "", *, status: int | None = None
    ) -> None:
        super().__init__(code, message, status=status, retryable=True)
