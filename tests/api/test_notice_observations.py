"""The candidate notice names every kind of observation the page records about them (docs/candidate-page.md,
"Integrity observations"). Version 2 listed pastes, focus losses, a hidden page and fast insertions, while the page
also reported the browser's developer tools opened (`devtools`): a candidate who agreed to it was observed in a way
it never mentioned. A kind the API takes without a phrase here fails, so a new one cannot ship unannounced."""

from __future__ import annotations

import re
from html import unescape
from typing import get_args

from api.notices import current_version, render_notice
from api.routers.integrity import IntegrityKind

SESSION = {"role": None, "duration_minutes": 45, "extra_time_minutes": 0, "interview_language": "en"}
ORG = {"name": "Acme", "retention_days": 30, "allow_text_only": False}

# Where the current notice says that each kind is recorded.
SAID = {
    "paste": "the size of pastes into the editor",
    "focus_lost": "when the window loses focus",
    "page_hidden": "or is hidden and for how long",
    "fast_insertion": "very fast large insertions",
    "devtools": "the browser's developer tools were opened",
}


def _observations_item(html: str) -> str:
    """The "observations of this page" item of the notice's "What is recorded" list, as text."""
    m = re.search(r"<h3>What is recorded</h3>\s*<ul>(.*?)</ul>", html, re.S)
    assert m, "the notice has a 'What is recorded' list"
    items = [
        " ".join(unescape(re.sub(r"<[^>]+>", "", i)).split())
        for i in re.findall(r"<li>(.*?)</li>", m[1], re.S)
    ]
    found = [i for i in items if i.startswith("observations of this page")]
    assert len(found) == 1, items
    return found[0]


def test_the_current_notice_names_every_kind_of_observation_the_page_records() -> None:
    assert set(SAID) == set(get_args(IntegrityKind)), (
        "a kind the API takes has no phrase in the notice (or gone)"
    )
    for org in (ORG, None):  # an organisation's session and a practice one
        said = _observations_item(render_notice(SESSION, org, ["python"]).html)
        missing = [kind for kind, phrase in SAID.items() if phrase not in said]
        assert not missing, f"{current_version()} does not say these are recorded: {missing}"


def test_an_organisations_candidate_is_told_they_can_ask_for_the_record_to_be_deleted_sooner() -> None:
    text = " ".join(unescape(re.sub(r"<[^>]+>", "", render_notice(SESSION, ORG, ["python"]).html)).split())
    assert (
        "Acme keeps this record for 30 days, then it is deleted. You can ask Acme to delete it sooner."
        in text
    )
