"""OpenTelemetry for the agent worker, through livekit-agents' own telemetry hooks: its spans (job, session, user and
agent turns, LLM and TTS calls) go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT when that is set, and nowhere
otherwise.

One trace per interview: the job's root span takes a trace id derived from the session id in the dispatch
metadata (the API derives the same, api/tracing.py), so a redispatched agent's job continues the interview's
trace, and every span carries `shadows.session_id`. The agent's calls to the API carry `traceparent`, so the
API's spans for them land in the same trace. Conversational content is withheld from every exporter
(`allow_pii=False`): spans keep timings, models and counts, never transcripts or code. HTTP headers are recorded
only when OpenTelemetry's OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_CLIENT_* switches ask for them, and even then
a credential's (`CREDENTIAL_HEADERS`: the internal token, a provider's API key, cookies) is exported as
`[REDACTED]`: the httpx instrumentation takes its sanitising list from the environment only.

`prepare_metrics_env` points prometheus-client at a multiprocess directory before anything imports it, so the
worker's metrics port aggregates what its job processes record (agent/metrics.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import shutil
from pathlib import Path
from typing import Any

from agent.settings import AgentSettings, export_metrics_dir

SESSION_ATTRIBUTE = "shadows.session_id"
# The same list as api/tracing.py's (a test holds them equal): searched case-insensitively in a header's name.
CREDENTIAL_HEADERS = ("auth", "cookie", "referer", "token", "secret", "key", "signature", "session")
_CREDENTIAL_HEADER = re.compile("|".join(CREDENTIAL_HEADERS), re.IGNORECASE)
_HEADER_ATTRIBUTE = re.compile(r"^http\.(?:request|response)\.header\.(.+)$")
REDACTED = "[REDACTED]"


def credential_free(attributes: Any) -> dict[str, Any] | None:
    """`attributes` with every captured credential header's value redacted; None when there is none."""
    hits = [
        k
        for k in attributes or {}
        if (m := _HEADER_ATTRIBUTE.match(k)) is not None and _CREDENTIAL_HEADER.search(m.group(1))
    ]
    if not hits:
        return None
    return {**attributes, **{k: (REDACTED,) for k in hits}}


def interview_trace_id(session_id: str) -> int:
    return (
        int.from_bytes(hashlib.sha256(f"shadows-interview:{session_id}".encode()).digest()[:16], "big") or 1
    )


def interview_span_context(session_id: str) -> Any:
    """The interview's root as a remote parent (never exported itself): ids derived from the session id."""
    from opentelemetry.trace import SpanContext, TraceFlags

    span_id = int.from_bytes(hashlib.sha256(f"shadows-root:{session_id}".encode()).digest()[:8], "big") or 1
    return SpanContext(
        trace_id=interview_trace_id(session_id),
        span_id=span_id,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )


def current_session_id() -> str | None:
    """The session of the job running in this process, from its dispatch metadata (None outside a job)."""
    try:
        from livekit.agents import get_job_context

        metadata = get_job_context().job.metadata
    except RuntimeError:
        return None
    try:
        data = json.loads(metadata) if metadata else None
    except ValueError:
        return None
    sid = data.get("session_id") if isinstance(data, dict) else None
    return sid if isinstance(sid, str) and sid else None


def _id_generator() -> Any:
    from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

    class InterviewIdGenerator(RandomIdGenerator):
        """Root spans of a job (the only spans that draw a trace id) get the interview's trace id."""

        def generate_trace_id(self) -> int:
            sid = current_session_id()
            return interview_trace_id(sid) if sid else super().generate_trace_id()

    return InterviewIdGenerator()


def _session_processor() -> Any:
    from opentelemetry.sdk.trace import SpanProcessor

    class SessionAttributeProcessor(SpanProcessor):
        def on_start(self, span: Any, parent_context: Any = None) -> None:
            if (sid := current_session_id()) is not None:
                span.set_attribute(SESSION_ATTRIBUTE, sid)

    return SessionAttributeProcessor()


def _credential_free_exporter(inner: Any) -> Any:
    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export import SpanExporter

    def scrubbed(span: ReadableSpan) -> ReadableSpan:
        attributes = credential_free(span.attributes)
        if attributes is None:
            return span
        return ReadableSpan(
            name=span.name,
            context=span.context,
            parent=span.parent,
            resource=span.resource,
            attributes=attributes,
            events=span.events,
            links=span.links,
            kind=span.kind,
            status=span.status,
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    class CredentialFreeExporter(SpanExporter):
        def export(self, spans: Any) -> Any:
            return inner.export([scrubbed(s) for s in spans])

        def shutdown(self) -> None:
            inner.shutdown()

        def force_flush(self, timeout_millis: int = 30000) -> bool:
            return bool(inner.force_flush(timeout_millis))

    return CredentialFreeExporter()


# livekit-agents marks a record's conversational fields (`extra={"lk.pii.user_input": ...}`: the candidate's words,
# a tool call's arguments, a parse error quoting them) with this prefix; its JSON formatter writes every field.
PII_LOG_FIELD_PREFIX = "lk.pii."
LIVEKIT_LOGGERS = ("livekit", "livekit.agents", "livekit.plugins.openai", "livekit.plugins.deepgram")


UNKNOWN_TOOL_NAME = "(a tool the interviewer does not have)"


@functools.cache
def _tool_names() -> frozenset[str]:
    from agent.phases import INTERVIEWER_TOOLS  # late: the phases import the whole agent

    return INTERVIEWER_TOOLS


class ConversationFreeLogFilter(logging.Filter):
    """Drops a record's `lk.pii.*` fields (the record is kept: its message and other fields are not content), and
    a tool name none of the interviewer's tools has: the model names the tool it calls, a candidate can dictate
    that name, and livekit warns about an unknown one with the name in its message and its `function` field."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key in [k for k in record.__dict__ if k.startswith(PII_LOG_FIELD_PREFIX)]:
            del record.__dict__[key]
        name = record.__dict__.get("function")
        if isinstance(name, str) and name not in _tool_names():
            record.__dict__["function"] = UNKNOWN_TOOL_NAME
            if isinstance(record.msg, str) and name:
                record.msg = record.msg.replace(name, UNKNOWN_TOOL_NAME)
            if record.args:
                record.args = tuple(UNKNOWN_TOOL_NAME if a == name else a for a in record.args) if isinstance(
                    record.args, tuple) else record.args  # fmt: skip
        return True


_FILTER = ConversationFreeLogFilter()


def withhold_conversation_from_logs() -> None:
    """In each process (the worker's, each job's prewarm): livekit's loggers, and every handler on the root logger
    now, drop conversational fields before any formatter sees them. Idempotent."""
    targets: list[logging.Filterer] = [logging.getLogger(n) for n in LIVEKIT_LOGGERS]
    targets += logging.getLogger().handlers
    for target in targets:
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


def setup_tracing(settings: AgentSettings, exporter: Any = None) -> Any:
    """In each job process (the worker's prewarm): livekit-agents' tracer provider and traced API calls. Returns
    the provider, or None when tracing is not configured."""
    if exporter is None:
        if not settings.otlp_endpoint:
            return None
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otlp_endpoint.rstrip("/") + "/v1/traces", timeout=5)
    from livekit.agents import telemetry
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(
        resource=Resource.create({SERVICE_NAME: settings.otel_service_name}), id_generator=_id_generator()
    )
    provider.add_span_processor(_session_processor())
    provider.add_span_processor(BatchSpanProcessor(_credential_free_exporter(exporter)))
    telemetry.set_tracer_provider(provider, allow_pii=False)
    HTTPXClientInstrumentor().instrument(tracer_provider=provider)  # traceparent on the agent's API calls
    return provider


def prepare_metrics_env(settings: AgentSettings) -> Path | None:
    """Before prometheus-client is imported: an empty multiprocess directory in PROMETHEUS_MULTIPROC_DIR, so job
    processes write their metrics where the worker's endpoint reads them. None when no metrics port is set."""
    if settings.metrics_port is None:
        return None
    path = Path(settings.metrics_dir).resolve()
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    export_metrics_dir(path)
    return path
