"""The report's integrity observations say what the candidate's page saw, never what it concluded: a sign of
developer tools says how it was noticed and what else it can be (a shortcut pressed may open nothing; a page
narrowed by a docked panel may be a browser sidebar)."""

from __future__ import annotations

import re
from html import unescape

from api.templating import render


def _rendered(*observations: dict[str, object]) -> str:
    items = [
        {"seq": n, "t": 60.0 * n, "chars": None, "lines": None, "duration_ms": None, "source": None} | o
        for n, o in enumerate(observations, start=1)
    ]
    kinds = sorted({str(o["kind"]) for o in observations})
    html = render(
        "report/integrity.html",
        session={"retention_applied_at": None, "observations_capped_s": None},
        integrity=items,
        integrity_counts=[(k, sum(o["kind"] == k for o in observations)) for k in kinds],
    )
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_sign_of_developer_tools_is_an_observation_with_how_it_was_noticed() -> None:
    text = _rendered(
        {"kind": "devtools", "source": "keyboard_shortcut"},
        {"kind": "devtools", "source": "window_size"},
        {"kind": "paste", "chars": 120, "lines": 4},
    )

    assert "opened" not in text.replace("whether they opened is not known", "")
    assert "Sign of developer tools: 2" in text
    assert (
        "1:00 Sign of developer tools: their keyboard shortcut pressed; whether they opened is not known"
        in text
    )
    assert (
        "2:00 Sign of developer tools: the page narrowed and held still, as a docked panel makes it; a browser"
        in text
    )
    assert "3:00 Paste into the editor: 120 characters, 4 lines" in text
    assert "not findings" in text
