"""The bundle states a sign of developer tools as what the page saw (a shortcut, the page narrowing), never that the
tools were opened; the grader's prompt says the same."""

from __future__ import annotations

from grader.bundle import build_bundle
from grader.facts import compute_facts
from grader.prompts import render
from grader.schemas import BundleEvent
from tests.grader.bundles import interview


def _devtools(seq: int, source: str | None) -> BundleEvent:
    payload = {"kind": "devtools"} if source is None else {"kind": "devtools", "source": source}
    return BundleEvent(seq=seq, type="integrity", t=float(seq), payload=payload)


def test_a_sign_of_developer_tools_is_stated_as_seen_never_as_opened() -> None:
    source = interview(
        extra_events=[
            _devtools(20, "keyboard_shortcut"),
            _devtools(21, "window_size"),
            _devtools(22, "<b>x</b>"),
        ]
    )
    text = build_bundle(source, compute_facts(source)).interview
    line = next(x for x in text.splitlines() if "developer tools" in x)
    assert line.startswith("- sign of developer tools: 3 time(s), seen as:")
    assert "a keyboard shortcut for them pressed (1)" in line
    assert "the page narrowed as a docked panel would make it (1)" in line
    assert "not said how (1)" in line and "<b>" not in text
    assert line.endswith("the page cannot tell whether they were opened") and line.count("opened") == 1
    assert "- devtools:" not in text


def test_the_prompt_says_a_sign_is_not_proof_they_were_opened() -> None:
    system = render("grader_system")
    assert "a sign of developer tools" in system
    assert "never that they were opened" in system
