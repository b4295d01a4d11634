"""The worker's AgentServer as a module global, for livekit-agents' supported entry point to discover:
``python -m livekit.agents start agent/server.py`` (what ``python -m agent start`` runs)."""

from __future__ import annotations

from agent.worker import create_server

server = create_server()
