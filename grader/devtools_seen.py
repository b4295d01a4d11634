"""How the bundle states the page's sign of developer tools (`devtools_line`): what the page saw, never that they were
opened.

The candidate page cannot see developer tools. It records a `devtools` observation when a keyboard shortcut that opens
them is pressed (`source` "keyboard_shortcut") or the page narrows inside an unchanged window as a docked panel would
make it (`source` "window_size"); a shortcut pressed by mistake or a panel of another kind gives the same
(web/src/integrity.ts). The line says which of the two was seen and that whether the tools were opened is not known,
so that the model, and the scorecard after it, state the observation and nothing more (the report's label: "Sign of
developer tools").
"""

from __future__ import annotations

from grader.schemas import BundleEvent

# Each source the page records, as seen; any other value (the API takes only these) is counted and left unnamed.
SEEN = {
    "keyboard_shortcut": "a keyboard shortcut for them pressed",
    "window_size": "the page narrowed as a docked panel would make it",
}
UNKNOWN = "not said how"
NOT_KNOWN = "the page cannot tell whether they were opened"


def devtools_line(items: list[BundleEvent]) -> str:
    """The summary line of `items`, the session's `devtools` observations."""
    counts: dict[str, int] = {}
    for e in items:
        seen = SEEN.get(str(e.payload.get("source")), UNKNOWN)
        counts[seen] = counts.get(seen, 0) + 1
    ways = "; ".join(f"{seen} ({n})" for seen, n in sorted(counts.items()))
    return f"- sign of developer tools: {len(items)} time(s), seen as: {ways}; {NOT_KNOWN}"
