"""Prometheus metrics of each interview, recorded in its job process and served by the worker's metrics port
(`SHADOWS_AGENT_METRICS_PORT`, livekit-agents' own endpoint, aggregating job processes through
PROMETHEUS_MULTIPROC_DIR): turn latency, end-of-turn delay, LLM time to first token, LLM tokens and cost by
model, interviews running. Nothing here carries a transcript, a name or code: only durations and counts.
"""

from __future__ import annotations

import logging
from typing import Any

from livekit.agents import AgentSession, ChatMessage, ConversationItemAddedEvent, SessionUsageUpdatedEvent
from prometheus_client import Counter, Gauge, Histogram

logger = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0)

TURN_LATENCY = Histogram(
    "shadows_agent_turn_latency_seconds",
    "End of the candidate's speech to the agent's first audio (livekit's e2e_latency)",
    buckets=_LATENCY_BUCKETS,
)
END_OF_TURN_DELAY = Histogram(
    "shadows_agent_end_of_turn_delay_seconds",
    "End of the candidate's speech to the decision that their turn ended",
    buckets=_LATENCY_BUCKETS,
)
LLM_TTFT = Histogram(
    "shadows_agent_llm_ttft_seconds",
    "LLM time to first token per reply",
    ["model"],
    buckets=(0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0),
)
LLM_TOKENS = Counter("shadows_llm_tokens_total", "LLM tokens used by the interviewer", ["model", "kind"])
LLM_COST = Counter(
    "shadows_llm_cost_usd_total", "Interviewer LLM cost from SHADOWS_AGENT_LLM_PRICES (USD)", ["model"]
)
INTERVIEWS_ACTIVE = Gauge(
    "shadows_agent_interviews_active", "Interviews running in this worker", multiprocess_mode="livesum"
)
WORKER_LOAD = Gauge(
    "shadows_agent_worker_load", "The load this worker reports to LiveKit (1 = full)", multiprocess_mode="max"
)
CAPACITY = Gauge(
    "shadows_agent_capacity", "Interviews this worker takes (agent/capacity.py)", multiprocess_mode="max"
)

# USD per million tokens (input, cached input, output); SHADOWS_AGENT_LLM_PRICES adds or replaces entries.
DEFAULT_PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4.1": (2.00, 0.50, 8.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4o-mini": (0.15, 0.075, 0.60),
}


class SessionMetrics:
    """Subscribed to one session; `aclose()` (a job shutdown callback) unsubscribes."""

    def __init__(self, session: AgentSession[Any], prices: dict[str, tuple[float, float, float]]) -> None:
        self._session = session
        self._prices = prices
        self._seen: dict[str, tuple[int, int, int]] = {}  # model -> (input, cached, output) already counted
        self._warned: set[str] = set()
        self._open = True
        session.on("conversation_item_added", self._on_item)
        session.on("session_usage_updated", self._on_usage)
        INTERVIEWS_ACTIVE.inc()

    async def aclose(self) -> None:
        if not self._open:
            return
        self._open = False
        self._session.off("conversation_item_added", self._on_item)
        self._session.off("session_usage_updated", self._on_usage)
        INTERVIEWS_ACTIVE.dec()

    def _on_item(self, ev: ConversationItemAddedEvent) -> None:
        item = ev.item
        if not isinstance(item, ChatMessage):
            return
        m = item.metrics
        if item.role == "user" and m.get("end_of_turn_delay") is not None:
            END_OF_TURN_DELAY.observe(float(m["end_of_turn_delay"]))
        if item.role != "assistant":
            return
        if m.get("e2e_latency") is not None:
            TURN_LATENCY.observe(float(m["e2e_latency"]))
        if m.get("llm_node_ttft") is not None:
            model = (m.get("llm_metadata") or {}).get("model_name") or "unknown"
            LLM_TTFT.labels(model=model).observe(float(m["llm_node_ttft"]))

    def _on_usage(self, ev: SessionUsageUpdatedEvent) -> None:
        """Usage is cumulative per session: count what is new since the last update."""
        for usage in ev.usage.model_usage:
            if getattr(usage, "type", "llm_usage") != "llm_usage":
                continue  # STT/TTS usage is billed by audio, not tokens
            model = str(getattr(usage, "model", "") or "unknown")
            now = (
                int(getattr(usage, "input_tokens", 0) or 0),
                int(getattr(usage, "input_cached_tokens", 0) or 0),
                int(getattr(usage, "output_tokens", 0) or 0),
            )
            before = self._seen.get(model, (0, 0, 0))
            delta = tuple(max(0, a - b) for a, b in zip(now, before, strict=True))
            self._seen[model] = now
            if not any(delta):
                continue
            fresh_input, cached, output = delta[0] - min(delta[0], delta[1]), delta[1], delta[2]
            LLM_TOKENS.labels(model=model, kind="input").inc(fresh_input)
            LLM_TOKENS.labels(model=model, kind="cached_input").inc(cached)
            LLM_TOKENS.labels(model=model, kind="output").inc(output)
            price = self._prices.get(model)
            if price is None:
                if model not in self._warned:
                    self._warned.add(model)
                    logger.warning("no price for model %s: its cost is not counted", model)
                continue
            LLM_COST.labels(model=model).inc(
                (fresh_input * price[0] + cached * price[1] + output * price[2]) / 1_000_000
            )


def declare(model: str, load: Any) -> None:
    """In the worker's main process once it started: every series exists (at zero) before the first interview,
    and the worker's load and capacity are published."""
    INTERVIEWS_ACTIVE.inc(0)
    for kind in ("input", "cached_input", "output"):
        LLM_TOKENS.labels(model=model, kind=kind)
    LLM_COST.labels(model=model)
    LLM_TTFT.labels(model=model)
    CAPACITY.set(load.capacity)
    WORKER_LOAD.set(0.0)
    load.on_sample = WORKER_LOAD.set  # every load LiveKit asks for is published


def attach_metrics(
    session: AgentSession[Any], prices: dict[str, tuple[float, float, float]]
) -> SessionMetrics:
    return SessionMetrics(session, {**DEFAULT_PRICES, **prices})
