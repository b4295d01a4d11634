"""`python -m agent start|console|dev|connect|simulate`: configuration checks, then the LiveKit CLI or simulate."""

from __future__ import annotations

import sys

USAGE = """usage: python -m agent COMMAND [OPTIONS]

commands:
  start      run the worker against LIVEKIT_URL (production)
  console    chat with the interviewer locally (add --text for typed input)
  dev        run the worker in development mode
  connect    join a specific room (--room NAME)
  simulate   run a whole interview from a script in text mode: --session ID --script FILE
"""
LIVEKIT_COMMANDS = ("start", "console", "dev", "connect", "download-files")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if args else 2
    command = args[0]
    if command == "simulate":
        from agent.simulate import main as simulate_main

        return simulate_main(args[1:])
    if command not in LIVEKIT_COMMANDS:
        print(f"unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2

    from agent.settings import get_settings

    settings = get_settings()
    if command in ("start", "dev", "connect"):
        missing = settings.missing_for_start()
    elif command == "console":
        missing = [] if settings.openai_api_key is not None else ["OPENAI_API_KEY"]
    else:
        missing = []
    if missing and not any(a in ("-h", "--help") for a in args[1:]):
        # livekit's own `start` logs the missing URL and still exits 0; fail loudly instead.
        print(
            f"agent {command}: missing configuration: {', '.join(missing)}.\n"
            "Set them in the environment or in .env (see .env.example).",
            file=sys.stderr,
        )
        return 2

    if command in ("start", "dev"):
        from agent.telemetry import prepare_metrics_env

        prepare_metrics_env(settings)  # before livekit imports prometheus-client

    from livekit.agents import cli

    from agent.worker import create_server

    sys.argv = ["agent", *args]
    cli.run_app(create_server(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
