"""`python -m agent start|dev|connect|console|simulate|download-files`: configuration checks, then the supported
livekit-agents entry point (`python -m livekit.agents`, `AgentServer.run`), our text console or simulate.

livekit-agents 1.8 deprecates its built-in Python CLI (`cli.run_app`); nothing here uses it:
- start, dev (`start --dev`), download-files: `livekit.agents.__main__` with the server in agent/server.py;
- connect --room NAME: `AgentServer.run` with one job simulated in that room;
- console: agent/console.py (typed, no LiveKit); `console --connect-addr HOST:PORT` is livekit's TCP console
  for the `lk agent console` CLI.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

USAGE = """usage: python -m agent COMMAND [OPTIONS]

commands:
  start      run the worker against LIVEKIT_URL (production)
  dev        run the worker in development mode (colored logs)
  connect    join one room now: --room NAME
  console    a practice interview typed in the terminal (no LiveKit)
  simulate   run a whole interview from a script in text mode: --session ID --script FILE
"""
LIVEKIT_COMMANDS = ("start", "dev", "connect", "download-files")
SERVER_PATH = Path(__file__).resolve().parent / "server.py"


def _missing(command: str, args: list[str]) -> list[str]:
    from agent.settings import get_settings

    settings = get_settings()
    if command in ("start", "dev", "connect"):
        return settings.missing_for_start()
    if command == "console" and "--connect-addr" not in args:
        return [] if settings.openai_api_key is not None else ["OPENAI_API_KEY"]
    return []


def _connect(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent connect")
    parser.add_argument("--room", required=True)
    parser.add_argument("--participant-identity", default=None)
    opts = parser.parse_args(args)

    from livekit import api

    from agent.settings import get_settings
    from agent.worker import create_server

    settings = get_settings()
    server = create_server(settings)

    async def run() -> None:
        @server.once("worker_started")
        def _join() -> None:
            async def join() -> None:
                key = settings.livekit_api_key.get_secret_value() if settings.livekit_api_key else None
                secret = (
                    settings.livekit_api_secret.get_secret_value() if settings.livekit_api_secret else None
                )
                async with api.LiveKitAPI(settings.livekit_url, key, secret) as lk:
                    rooms = await lk.room.list_rooms(api.ListRoomsRequest(names=[opts.room]))
                    info = (
                        rooms.rooms[0]
                        if rooms.rooms
                        else await lk.room.create_room(api.CreateRoomRequest(name=opts.room))
                    )
                identity = opts.participant_identity or "shadows-interviewer"
                await server.simulate_job(opts.room, room_info=info, agent_identity=identity)

            joining.add(asyncio.ensure_future(join()))

        joining: set[asyncio.Future[None]] = set()
        try:
            await server.run(devmode=True, unregistered=True)
        finally:
            await server.aclose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 130
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "simulate":
        from agent.simulate import main as simulate_main

        return simulate_main(rest)
    if command not in (*LIVEKIT_COMMANDS, "console"):
        print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    missing = _missing(command, rest)
    if missing and not any(a in ("-h", "--help") for a in rest):
        # livekit's own `start` logs the missing URL and still exits 0; fail loudly instead.
        print(
            f"agent {command}: missing configuration: {', '.join(missing)}.\n"
            "Set them in the environment or in .env (see .env.example).",
            file=sys.stderr,
        )
        return 2

    if command in ("start", "dev"):
        from agent.settings import get_settings
        from agent.telemetry import prepare_metrics_env, withhold_conversation_from_logs

        prepare_metrics_env(get_settings())  # before livekit imports prometheus-client
        # livekit's loggers, here and for the job processes' records this process logs again (their prewarm
        # also filters their own handlers).
        withhold_conversation_from_logs()

    from livekit.agents.__main__ import main as livekit_main

    if command == "console":
        if "--connect-addr" in rest:  # the `lk agent console` TUI drives this process over TCP
            return livekit_main(["console", str(SERVER_PATH), *rest])
        from agent.console import main as console_main

        return console_main([a for a in rest if a != "--text"])
    if command == "connect":
        return _connect(rest)
    if command == "download-files":
        return livekit_main(["download-files"])
    if command == "dev":
        return livekit_main(["start", str(SERVER_PATH), "--dev", *rest])
    return livekit_main(["start", str(SERVER_PATH), *rest])


if __name__ == "__main__":
    sys.exit(main())
