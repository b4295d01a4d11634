"""OpenTelemetry traces of the API: a span per request (FastAPI) and per query (psycopg), exported over OTLP/HTTP
when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and nothing at all otherwise.

One trace per interview: a request on a session's path (`/v1/sessions/ses_.../...`, the internal API's
`/v1/internal/sessions/ses_.../...`) that carries no `traceparent` joins the trace whose id derives from the
session id, the same trace the agent's spans for that interview use (`agent.telemetry.interview_span_context`). A
request that carries a `traceparent` (the agent's own calls do) continues that trace. Every request span on a
session's path also gets the attribute `shadows.session_id`.

Spans carry routes, statuses, SQL text with placeholders and timings; never request bodies, query parameters'
values (a span's target and URL are cut at the `?`), the token of a share link or an artifact URL (`{token}` in its
place), candidate code or transcripts. Nor exception text: every exporter sits behind `MessageFreeExporter`, which
exports an error's type and no message, stack trace or status description (a database error's text quotes the
values that broke it; logs.py keeps the same rule, with the frames, for the logs).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.propagate import set_global_textmap
from opentelemetry.propagators.textmap import CarrierT, Getter, TextMapPropagator, default_getter
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import NonRecordingSpan, SpanContext, Status, TraceFlags
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from api.settings import ApiSettings

SESSION_ATTRIBUTE = "shadows.session_id"
_SESSION_IN_PATH = re.compile(r"^/v1/(?:internal/)?sessions/(ses_[A-Za-z0-9_-]{1,64})(?:/|$)")


def trace_id_for(session_id: str) -> int:
    """The 128-bit trace id of an interview (the agent derives the same; tests hold them equal)."""
    return (
        int.from_bytes(hashlib.sha256(f"shadows-interview:{session_id}".encode()).digest()[:16], "big") or 1
    )


def root_span_id_for(session_id: str) -> int:
    """The id of the interview's (never exported) root, the parent that spans without a caller attach to."""
    return int.from_bytes(hashlib.sha256(f"shadows-root:{session_id}".encode()).digest()[:8], "big") or 1


def session_in_path(path: str) -> str | None:
    m = _SESSION_IN_PATH.match(path)
    return m.group(1) if m else None


class InterviewTracePropagator(TextMapPropagator):
    """W3C trace context; for a request without one on a session's path, the interview's trace."""

    def __init__(self) -> None:
        self._w3c = TraceContextTextMapPropagator()

    def extract(
        self, carrier: CarrierT, context: Context | None = None, getter: Getter[CarrierT] = default_getter
    ) -> Context:
        extracted = self._w3c.extract(carrier, context=context, getter=getter)
        if trace.get_current_span(extracted).get_span_context().is_valid:
            return extracted
        path = carrier.get("path") if isinstance(carrier, Mapping) else None  # the ASGI scope
        sid = session_in_path(path) if isinstance(path, str) else None
        if sid is None:
            return extracted
        parent = SpanContext(
            trace_id=trace_id_for(sid),
            span_id=root_span_id_for(sid),
            is_remote=True,
            trace_flags=TraceFlags(TraceFlags.SAMPLED),
        )
        return trace.set_span_in_context(NonRecordingSpan(parent), extracted)

    def inject(self, carrier: CarrierT, context: Context | None = None, setter: Any = None) -> None:
        if setter is None:
            self._w3c.inject(carrier, context=context)
        else:
            self._w3c.inject(carrier, context=context, setter=setter)

    @property
    def fields(self) -> set[str]:
        return self._w3c.fields


# Paths whose next part is a credential: a report's share link or view token, an artifact's download token. Whoever
# reads a trace must not be able to open the report.
_CREDENTIAL_IN_PATH = re.compile(r"^(/v1/(?:reports|artifacts)/)[^/]+")
_URL_ATTRIBUTES = ("http.target", "http.url", "url.path", "url.full", "url.query")


def redacted_path(path: str) -> str:
    """`path` without the credential it may carry (`/v1/reports/shr_...` -> `/v1/reports/{token}`)."""
    return _CREDENTIAL_IN_PATH.sub(r"\1{token}", path)


def _server_request_hook(span: trace.Span, scope: dict[str, Any]) -> None:
    if not span.is_recording():
        return
    path = str(scope.get("path", ""))
    if sid := session_in_path(path):
        span.set_attribute(SESSION_ATTRIBUTE, sid)
    # The instrumentation records the raw target and URL, query string included; what a span keeps is the path,
    # without its credential and without the query's values (a candidate's external id, a filter).
    recorded: Mapping[str, Any] = getattr(span, "attributes", None) or {}
    safe = redacted_path(path)
    for key in _URL_ATTRIBUTES:
        if key not in recorded:
            continue
        if key == "url.query":
            span.set_attribute(key, "")
        elif key in ("http.url", "url.full"):
            base = str(recorded[key]).split("?", 1)[0]
            span.set_attribute(key, base[: len(base) - len(path)] + safe if base.endswith(path) else safe)
        else:
            span.set_attribute(key, safe)


# What instrumentations (and the SDK's `record_exception`) write from `str(exception)`.
_EXCEPTION_TEXT = frozenset({"exception.message", "exception.stacktrace"})
# Who called (semantic conventions old and new): a candidate's address and browser are personal data that the
# trace backend, often another company's, has no use for. The server span keeps the route, method and status.
_CALLER = frozenset({
    "client.address", "client.port", "http.client_ip", "net.peer.ip", "net.peer.port", "net.sock.peer.addr",
    "net.sock.peer.port", "network.peer.address", "network.peer.port", "user_agent.original", "http.user_agent",
})  # fmt: skip


def message_free(span: ReadableSpan) -> ReadableSpan:
    """`span` without exception text (its events keep the exception's type, its status keeps the code) and without
    who called (`_CALLER`)."""
    events = [
        Event(
            e.name, {k: v for k, v in (e.attributes or {}).items() if k not in _EXCEPTION_TEXT}, e.timestamp
        )
        for e in span.events
    ]
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes={k: v for k, v in (span.attributes or {}).items() if k not in _CALLER},
        events=events,
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class MessageFreeExporter(SpanExporter):
    """Exports through `inner` what `message_free` leaves of each span."""

    def __init__(self, inner: SpanExporter) -> None:
        self._inner = inner

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([message_free(s) for s in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._inner.force_flush(timeout_millis)


def tracer_provider(settings: ApiSettings, exporter: SpanExporter | None = None) -> TracerProvider | None:
    """The provider when tracing is configured (an OTLP endpoint, or an exporter passed in by a test)."""
    if exporter is None:
        if not settings.otlp_endpoint:
            return None
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=settings.otlp_endpoint.rstrip("/") + "/v1/traces", timeout=5)
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(MessageFreeExporter(exporter)))
    return provider


# Headers whose value is a credential, or names one (a report page's requests send its share link as Referer):
# redacted whenever OpenTelemetry's OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_* switches capture headers, on top of
# any an operator lists in OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SANITIZE_FIELDS. Regexes, searched
# case-insensitively in each header's name.
CREDENTIAL_HEADERS = ("auth", "cookie", "referer", "token", "secret", "key", "signature", "session")
# Headers that say who called (a proxy's report of the address, the browser): personal data, as in `_CALLER`.
CALLER_HEADERS = ("user-agent", "forwarded", "real-ip", "client-ip", "connecting-ip")


def instrument_app(app: FastAPI, provider: TracerProvider) -> None:
    """Request spans (health and metrics scrapes excluded), with the interview propagator."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.util.http import (
        OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SANITIZE_FIELDS,
        get_custom_headers,
    )

    set_global_textmap(InterviewTracePropagator())
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls="/healthz,/readyz,/metrics",
        server_request_hook=_server_request_hook,
        exclude_spans=["receive", "send"],  # one span per request, not one per ASGI message
        # Given here, this list replaces the environment's; the operator's own fields are kept in it.
        http_capture_headers_sanitize_fields=[
            *CREDENTIAL_HEADERS,
            *CALLER_HEADERS,
            *get_custom_headers(OTEL_INSTRUMENTATION_HTTP_CAPTURE_HEADERS_SANITIZE_FIELDS),
        ],
    )


def instrument_connection(conn: Any, provider: TracerProvider) -> None:
    """Query spans for one pooled connection (the pool's `configure` calls this for each new one)."""
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor

    PsycopgInstrumentor.instrument_connection(conn, tracer_provider=provider)
