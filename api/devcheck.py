"""`shadows dev` start-up report: which outside services are reachable and what is missing."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import typer

from api.settings import ApiSettings


def livekit_reachable(url: str, timeout: float = 0.5) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or (443 if parsed.scheme in ("wss", "https") else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def report_dependencies(settings: ApiSettings) -> None:
    if livekit_reachable(settings.livekit_url):
        typer.echo(f"LiveKit server reachable at {settings.livekit_url}")
    else:
        typer.secho(
            f"LiveKit server NOT reachable at {settings.livekit_url}: the API runs, but candidates cannot join a "
            "room and no agent is dispatched. Start one with `livekit-server --config livekit.yaml` "
            "(see README: Getting livekit-server).",
            fg=typer.colors.YELLOW,
            err=True,
        )
