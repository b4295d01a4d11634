"""Judge error hierarchy: failures of the judge itself (verdicts about candidate code are data, not errors).

JudgeError                      base; carries a stable `code` and a `retryable` flag
├── SandboxUnavailableError     bubblewrap / user namespaces missing; untrusted code refused (not retryable)
├── JudgeBusyError              all slots busy and the queue is full (retryable, code "judge_busy")
├── JudgeStartExpiredError      a job still queued when its caller's start-by passed: never started
├── JudgeInternalError          the judge broke (worker crash, protocol error); never the candidate's fault
├── JudgeConfigurationError     the configured limits cannot be honoured by the backend (refused at start)
├── UnsupportedLanguageError    the request names a language the judge does not run (not retryable)
├── CodeTooLargeError           the source exceeds `max_code_bytes` (not retryable)
└── InvalidTextError            the source or a test holds text that is not Unicode (a lone UTF-16 surrogate)
"""

from __future__ import annotations


class JudgeError(Exception):
    """Base of every judge failure."""

    code: str = "judge_error"
    retryable: bool = False

    def __init__(self, message: str = "", *, code: str | None = None, retryable: bool | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.code)
        if code is not None:
            self.code = code
        if retryable is not None:
            self.retryable = retryable


class SandboxUnavailableError(JudgeError):
    """The sandbox (bubblewrap with user namespaces) is unavailable, so untrusted code is refused."""

    code = "sandbox_unavailable"
    retryable = False


class JudgeBusyError(JudgeError):
    """Every judge slot is busy and the queue is full; try again shortly."""

    code = "judge_busy"
    retryable = True


class JudgeStartExpiredError(JudgeError):
    """The job was still waiting for a slot when its start-by passed (its caller stopped waiting): never started."""

    code = "judge_start_expired"
    retryable = False


class JudgeInternalError(JudgeError):
    """The judge failed internally; the candidate's code is not to blame."""

    code = "judge_internal"
    retryable = True


class JudgeConfigurationError(JudgeError):
    """The judge's configuration asks for limits its backend cannot honour; fix the settings."""

    code = "judge_misconfigured"
    retryable = False


class UnsupportedLanguageError(JudgeError):
    """The requested language is not supported by the judge."""

    code = "unsupported_language"
    retryable = False


class CodeTooLargeError(JudgeError):
    """The submitted source code exceeds the configured size limit."""

    code = "code_too_large"
    retryable = False


class InvalidTextError(JudgeError):
    """The source or a test's data holds a string that is not Unicode text (a lone UTF-16 surrogate, which Python
    strings and JSON escapes can carry): it cannot be written as UTF-8 for a compiler, a harness or a report."""

    code = "invalid_text"
    retryable = False

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} holds a lone UTF-16 surrogate, which is not Unicode text")
        self.field = field
