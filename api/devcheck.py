"""`shadows dev` start-up report: which outside services are reachable and what is missing."""

from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import urlparse

import typer
from pydantic import SecretStr

from api.settings import ApiSettings, child_env
from judge.credential_mask import url_for_log


def livekit_reachable(url: str, timeout: float = 0.5) -> bool:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or (443 if parsed.scheme in ("wss", "https") else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def report_dependencies(settings: ApiSettings) -> bool:
    """Say which outside services `dev` found; True when the LiveKit server answers."""
    shown = url_for_log(settings.livekit_url)
    if livekit_reachable(settings.livekit_url):
        typer.echo(f"LiveKit server reachable at {shown}")
        return True
    else:
        typer.secho(
            f"LiveKit server NOT reachable at {shown}: the API runs, but candidates cannot join a "
            "room and no agent is dispatched. Start one with `livekit-server --config livekit.yaml` "
            "(see README: Getting livekit-server).",
            fg=typer.colors.YELLOW,
            err=True,
        )
        return False


def start_agent_worker(settings: ApiSettings) -> subprocess.Popen[bytes] | None:
    """Start the interviewer worker (`python -m agent start`) when its keys are configured; otherwise say what is
    missing. In dev the worker authenticates to this API with the API's own internal token."""
    from agent.settings import AgentSettings

    token = settings.internal_tokens[0]
    agent = AgentSettings(api_token=SecretStr(token), api_url=f"http://{settings.host}:{settings.port}")
    missing = agent.missing_for_start()
    if missing:
        typer.secho(
            f"Agent worker NOT started: set {', '.join(missing)} (see .env.example). Everything else runs.",
            fg=typer.colors.YELLOW,
            err=True,
        )
        return None
    typer.echo(f"agent worker starting (agent name {agent.agent_name!r})")
    return subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-m", "agent", "start"],
        env=child_env(SHADOWS_AGENT_API_TOKEN=token, SHADOWS_AGENT_API_URL=agent.api_url),
    )


def start_job_worker(database_url: str) -> subprocess.Popen[bytes]:
    """`shadows worker` beside the API, on the same database. In its own session, so that Ctrl-C at the terminal
    reaches only `dev`, which then stops it with one SIGTERM (a second signal would not hurry it anyway)."""
    typer.echo("job worker starting (grading, webhooks)")
    return subprocess.Popen(  # our own interpreter and module
        [sys.executable, "-m", "api", "worker"],
        env=child_env(DATABASE_URL=database_url, SHADOWS_API_LOG_JSON="false"),
        start_new_session=True,
    )


def stop_job_worker(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait out its shutdown grace (running jobs finish or go back to the queue)."""
    from api.jobs.settings import get_worker_settings

    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=get_worker_settings().shutdown_grace_s + 15)
    except subprocess.TimeoutExpired:
        typer.secho("job worker did not stop in time; killing it (its jobs will be retried)", err=True)
        proc.kill()
        proc.wait()
