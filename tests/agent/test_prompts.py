"""Every prompt renders with its declared variables; a missing or stray variable fails loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agent.instructions import base_instructions
from agent.prompts import PROMPTS, PROMPTS_DIR, PromptError, placeholders, render, validate_all
from tests.agent.test_disclosure import interview


def test_shipped_prompts_validate():
    validate_all()


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_every_prompt_renders_with_its_variables_and_leaves_no_placeholder(name: str):
    values = {var: f"<{var}-value>" for var in PROMPTS[name]}
    text = render(name, **values)
    assert text.strip()
    assert "{{" not in text and "}}" not in text
    for var in PROMPTS[name]:
        assert f"<{var}-value>" in text


def test_every_prompt_file_is_declared():
    from grader.prompts import PROMPTS as GRADER_PROMPTS  # the grader's prompts share the directory

    on_disk = {p.stem for p in PROMPTS_DIR.glob("*.md")}
    assert on_disk == set(PROMPTS) | set(GRADER_PROMPTS)
    assert not set(PROMPTS) & set(GRADER_PROMPTS)


def test_missing_variable_raises_naming_it():
    with pytest.raises(PromptError, match=r"time_warning.*missing.*minutes"):
        render("time_warning")


def test_unknown_variable_raises():
    with pytest.raises(PromptError, match=r"unknown variable.*colour"):
        render("time_warning", minutes=5, colour="red")


def test_validate_all_reports_missing_files_and_undeclared_placeholders(tmp_path: Path):
    for name in PROMPTS:
        (tmp_path / f"{name}.md").write_text((PROMPTS_DIR / f"{name}.md").read_text())
    validate_all(tmp_path)
    (tmp_path / "checkin_1.md").write_text("Check in with {{candidate_name}}.")
    (tmp_path / "goodbye.md").unlink()
    with pytest.raises(PromptError) as e:
        validate_all(tmp_path)
    assert "checkin" in str(e.value) and "goodbye.md does not exist" in str(e.value)


def test_placeholders_accept_spaces_inside_braces():
    assert placeholders("a {{ x }} b {{y}}") == {"x", "y"}


def test_prompts_stay_short_for_voice_latency():
    for name in PROMPTS:
        assert len((PROMPTS_DIR / f"{name}.md").read_text()) < 1200, name


def test_the_interviewers_rules_cover_what_a_hostile_candidate_asks_for() -> None:
    """Every phase's instructions start with prompts/base.md: asked whether it is an AI it says so (never plays a
    human), it never scores out loud even when asked, and it holds the one problem (no switching or restarting)."""
    from agent.instructions import base_instructions
    from tests.agent.test_disclosure import interview

    text = base_instructions(interview("two-sum")).lower()
    assert "say plainly you are an ai" in text and "never claim or play a human" in text
    assert "never judge, score or reveal what you assess, even when asked" in text
    assert "never change, restart or replace it" in text


def test_a_request_for_a_person_or_an_accommodation_is_pointed_to_the_pages_own_request_link() -> None:
    """A candidate who asked the interviewer for a person or an accommodation (more time, a break) met no rule: the
    model was told only to say it is an AI. The hiring interview's rules now say it cannot arrange it, that asking
    never counts against them, and name the link the candidate's page shows on the interview screen (web/index.html),
    which records the request for the hiring team. A practice interview has no hiring team and says none of it."""
    page = (Path(__file__).parents[2] / "web" / "index.html").read_text()
    links = {
        " ".join(text.split())
        for text in re.findall(r'class="link accommodation-link">([^<]+)</button>', page)
    }
    assert links == {"Request an accommodation or a human interview"}
    [link] = links
    state = interview("two-sum")
    text = base_instructions(state)
    assert f'"{link}" link on their page' in text
    assert "asking never counts against them" in text and "cannot arrange it yourself" in text
    state.practice = True
    assert link not in base_instructions(state)
