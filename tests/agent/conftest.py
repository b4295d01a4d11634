"""Fixtures of the agent's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.settings import get_settings
from tests.agent.entrypoint_support import AgentJob


@pytest.fixture
def agent_job(monkeypatch: pytest.MonkeyPatch) -> Iterator[AgentJob]:
    """The worker's entrypoint in fake jobs (tests/agent/entrypoint_support.py); the worker's settings read afresh
    after the test, from the environment `monkeypatch` restores."""
    yield AgentJob(monkeypatch)
    monkeypatch.undo()  # the test's environment gone first, so no later teardown reads (and caches) it
    get_settings.cache_clear()
