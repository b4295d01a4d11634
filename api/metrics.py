"""Prometheus metrics of the API (prometheus-client), exposed at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("shadows_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "shadows_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
WEBHOOKS = Counter("shadows_livekit_webhooks_total", "LiveKit webhooks received", ["event", "outcome"])
EVENTS = Counter("shadows_session_events_total", "Session events appended", ["type", "duplicate"])
JUDGE_RUNS = Counter("shadows_judge_runs_total", "Judge runs", ["language", "mode", "verdict"])
RUNS_RUNNING = Gauge("shadows_runs_running", "Runs admitted into this process's judge")
RUNS_WAITING = Gauge("shadows_runs_waiting", "Runs waiting for their turn at this process's judge")
