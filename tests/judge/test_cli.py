"""`python -m judge run`: JSON report on stdout with a top-level verdict; exit status by outcome."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.sandbox

ROOT = Path(__file__).resolve().parents[2]
QUESTION = Path(__file__).parent / "questions" / "sum-pair"


def cli(
    *args: str, settings=None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHADOWS_JUDGE_")}
    if settings is not None:
        env["SHADOWS_JUDGE_SANDBOX_UID"] = str(settings.sandbox_uid)
        env["SHADOWS_JUDGE_SANDBOX_UID_COUNT"] = str(settings.sandbox_uid_count)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "judge", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_accepted_run_prints_the_report_and_exits_zero(judge_settings):
    proc = cli("run", str(QUESTION / "reference.py"), "--question", str(QUESTION), settings=judge_settings)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verdict"] == "accepted"
    assert report["language"] == "python"  # inferred from the extension
    assert report["passed"] == report["total"] == 9  # submit mode by default: hidden tests too


def test_wrong_answer_still_exits_zero(judge_settings):
    proc = cli("run", str(QUESTION / "starter.js"), "--question", str(QUESTION), "--mode", "run",
               settings=judge_settings)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verdict"] == "wrong_answer"
    assert report["mode"] == "run" and report["total"] == 6


def test_language_flag_overrides_the_extension(judge_settings, tmp_path):
    source = tmp_path / "answer.txt"
    source.write_text((QUESTION / "reference.cpp").read_text())
    proc = cli("run", str(source), "--question", str(QUESTION), "--language", "cpp", settings=judge_settings)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "accepted"


def test_unknown_extension_without_language_is_a_usage_error(judge_settings, tmp_path):
    source = tmp_path / "answer.txt"
    source.write_text("x")
    proc = cli("run", str(source), "--question", str(QUESTION), settings=judge_settings)
    assert proc.returncode == 2
    assert "--language" in proc.stderr and proc.stdout == ""


def test_malformed_question_directory_is_a_usage_error(judge_settings, tmp_path):
    bad = tmp_path / "no-such-question"
    bad.mkdir()
    proc = cli("run", str(QUESTION / "reference.py"), "--question", str(bad), settings=judge_settings)
    assert proc.returncode == 2
    assert "question.yaml" in proc.stderr


def test_sandbox_refusal_is_a_clear_error_and_non_zero(judge_settings):
    proc = cli("run", str(QUESTION / "reference.py"), "--question", str(QUESTION), settings=judge_settings,
               extra_env={"SHADOWS_JUDGE_BWRAP_BIN": "/nonexistent/bwrap"})  # fmt: skip
    assert proc.returncode == 3
    assert "sandbox unavailable" in proc.stderr
    assert proc.stdout == ""


def test_internal_error_exits_non_zero_with_the_report(judge_settings):
    proc = cli("run", str(QUESTION / "reference.py"), "--question", str(QUESTION), settings=judge_settings,
               extra_env={"SHADOWS_JUDGE_PYTHON_BIN": "/nonexistent/python3"})  # fmt: skip
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["verdict"] == "internal_error"


def test_prepare_builds_the_per_host_caches_and_reports_them(judge_settings):
    proc = cli("prepare", settings=judge_settings)
    assert proc.returncode == 0, proc.stderr
    built = json.loads(proc.stdout)
    assert built["cpp_precompiled"] is True and built["javac_archive"] is True
    assert (Path(built["cpp"]) / "shadows_runtime.o").is_file()
    assert (Path(built["java"]) / "classes" / "shadows" / "R.class").is_file()
