"""Command line: `python -m judge run SOLUTION_FILE --question questions/<slug>` prints the RunReport as JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import cast

from judge.bank import EXTENSIONS, BankError, load_question
from judge.errors import JudgeError, SandboxUnavailableError
from judge.schemas import Language, Mode, RunLimits, RunReport, RunRequest, Verdict
from judge.settings import JudgeSettings, get_settings

LANGUAGE_BY_EXTENSION = {ext: lang for lang, ext in EXTENSIONS.items()}
EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_SANDBOX = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m judge", description="Run candidate code against a question."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="judge a solution file; prints the report as JSON")
    run.add_argument("solution", type=Path, help="the solution source file")
    run.add_argument(
        "--question", type=Path, required=True, help="question directory, e.g. questions/two-sum"
    )
    run.add_argument(
        "--language", choices=sorted(EXTENSIONS), help="default: inferred from the file extension"
    )
    run.add_argument("--mode", choices=("run", "submit"), default="submit",
                     help="run = visible tests only, submit = all tests (default)")  # fmt: skip
    run.add_argument("--time-limit", type=float, default=None, help="per-test time limit in seconds")
    sub.add_parser("prepare", help="build the per-host C++ prelude and Java runtime now (else on first use)")
    return parser


def _prepare(settings: JudgeSettings) -> int:
    from judge.harness_cpp_prelude import ensure_prelude
    from judge.harness_java import java_runtime

    prelude = ensure_prelude(settings.cxx_bin)
    runtime = java_runtime(settings.javac_bin)
    print(
        json.dumps(
            {
                "cpp": prelude.directory,
                "cpp_precompiled": prelude.precompiled,
                "java": runtime.directory,
                "javac_archive": runtime.javac_archive is not None,
            }
        )
    )
    return EXIT_OK


def _report_locally(request: RunRequest, settings: JudgeSettings) -> RunReport:
    from judge.runner import run_request
    from judge.sandbox import Sandbox
    from judge.service import check_request

    sandbox = Sandbox(settings)
    sandbox.self_check()
    return run_request(check_request(request, settings), sandbox, settings)


async def _report_with_backend(request: RunRequest, settings: JudgeSettings) -> RunReport:
    from judge.service import Judge

    async with Judge(settings) as judge:
        return await judge.run(request)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "prepare":
        return _prepare(get_settings())
    language = args.language or LANGUAGE_BY_EXTENSION.get(args.solution.suffix.lstrip("."))
    if language is None:
        parser.error(f"cannot infer the language of {args.solution}; pass --language")
    try:
        source = args.solution.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        parser.error(f"cannot read {args.solution}: {exc}")
    try:
        question = load_question(args.question)
    except BankError as exc:
        parser.error(str(exc))
    limits = RunLimits() if args.time_limit is None else RunLimits(time_limit_s=args.time_limit)
    # Both are validated: --language/--mode by argparse choices, the inferred language by the extension map.
    request = RunRequest.for_question(
        question, language=cast(Language, language), source=source, mode=cast(Mode, args.mode), limits=limits
    )
    settings = get_settings()
    try:
        if settings.backend == "local":
            report = _report_locally(request, settings)
        else:
            report = asyncio.run(_report_with_backend(request, settings))
    except SandboxUnavailableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SANDBOX
    except JudgeError as exc:
        print(f"error: {exc.code}: {exc}", file=sys.stderr)
        return EXIT_USAGE if not exc.retryable else EXIT_INTERNAL
    print(report.model_dump_json(indent=2))
    return EXIT_INTERNAL if report.verdict is Verdict.INTERNAL_ERROR else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
