"""A real job process killed (SIGKILL) while the reply saying a hint plays: the ``hint_started`` note it wrote before
the speech is in its spool, and the job restarted from that record counts the hint as heard, once
(agent.hints ``presume``). Before, the spool held no trace of the attempt's outcome and the record said no hint."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from agent.resume import merge_spooled
from agent.spool_replay import spooled_events
from tests.agent.test_resume_restart import Job
from tests.fakes.interview import make_context

ROOT = Path(__file__).resolve().parents[2]


async def test_a_job_killed_mid_hint_leaves_a_record_that_counts_the_hint(tmp_path: Path) -> None:
    spool = tmp_path / "ses.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
           "LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE": "0"}  # fmt: skip
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.agent.hint_kill_child", str(spool), cwd=ROOT, env=env,
        start_new_session=True, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert proc.stdout is not None
    output: list[str] = []
    try:
        while (line := await asyncio.wait_for(proc.stdout.readline(), 120)) and line.strip() != b"REACHED":
            output.append(line.decode(errors="replace"))
        assert line.strip() == b"REACHED", "".join(output[-40:])
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # only the group this test started
        await proc.wait()
    assert proc.returncode == -signal.SIGKILL
    events = merge_spooled([], spooled_events(tmp_path, "ses"))
    assert [e for e in events if e.type == "hint" or e.payload.get("kind") == "hint_unheard"] == []
    job = Job(make_context(), events=events)
    hints = [e["payload"] for e in job.sink.of_type("hint")]
    assert [(h["index"], h["unsettled"]) for h in hints] == [(1, True)]
    assert job.state.hints_given == 1
