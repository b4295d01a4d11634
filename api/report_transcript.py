"""How much of the transcript a report page (and so its PDF) prints, moment by moment: the page's budget
(`api.report_budget.MAX_PAGE_TURNS` items, `MAX_PAGE_TEXT_CHARS` characters as printed) shared out over the
interview's time, so that what is said or typed in one stretch of it can never push the rest off the page.

Spent first come, first served, the budget let a candidate choose what the page and the PDF an ATS keeps leave out:
75 messages of 4,000 characters pasted into the chat in the first minute (or 3,000 of one character) spent all of
it, and the page printed one note and nothing after it, neither the conversation nor anything the candidate said
later that they would rather a reader did not see, nor what the interviewer said about it; the replay, which
follows the page's transcript, showed none of it either. Now the interview's span (its start to its last item) is cut
into `SLICES` equal stretches, and each keeps a reserve of the budget that nothing before it can spend
(`RESERVED_CHARS`, `RESERVED_ITEMS`); the rest is spent first come, first served, and what a stretch leaves unspent
carries on. A flood spends the shared part and its own stretch's reserve, and the page prints again from the next
stretch on. Each place it leaves items out has its own note, saying how many and until when. The total printed is
still at most the budget; every turn the shown scorecard cites is printed wherever it falls.
"""

from __future__ import annotations

from typing import Any

from api.report_budget import MAX_PAGE_TEXT_CHARS, MAX_PAGE_TURNS, printed_chars

SLICES = 90  # stretches of the interview's span
# What each stretch keeps for itself, whatever came before it: about twice what an honest interview says in one
# (a 45-minute one has 30-second stretches, about 450 characters and 3 turns each). The rest of the budget (210,000
# characters, 2,100 items) is spent first come, first served, as before: twenty functions pasted into the chat at
# once still print whole.
RESERVED_CHARS = 1_000
RESERVED_ITEMS = 10


def page_transcript(items: list[dict[str, Any]], cited: set[int]) -> list[dict[str, Any]]:
    """`items` (in time order) as the page prints them: each within what the budget has left for its stretch of the
    interview (the shared part, then the reserves of its stretch and of those before it), every cited one, and a
    `cut` note wherever items are left out, with how many turns (`turns`, their text's `chars`) and other entries
    (`others`: phase changes, hints, time warnings), and until when (`until`, the time of the next item printed, or
    None to the end)."""
    end = max((float(i["t"]) for i in items if i.get("t") is not None), default=0.0)
    span = max(end, 1.0)
    shown: list[dict[str, Any]] = []
    left_items = MAX_PAGE_TURNS - RESERVED_ITEMS * SLICES
    left_chars = MAX_PAGE_TEXT_CHARS - RESERVED_CHARS * SLICES
    stretch = -1
    cut: dict[str, Any] | None = None
    closed: dict[str, Any] | None = None  # the last note, until the next item printed within the budget
    cuts = 0
    for item in items:
        at = float(item["t"]) if item.get("t") is not None else 0.0
        here = min(SLICES - 1, max(0, int(at / span * SLICES)))
        while stretch < here:
            stretch += 1
            left_items += RESERVED_ITEMS
            left_chars += RESERVED_CHARS
            closed, cut = cut or closed, None  # a new stretch prints again
        text = item.get("text")
        size = len(text) if isinstance(text, str) else 0
        if item.get("seq") in cited:
            shown.append(item)
            continue
        printed = printed_chars(text) if isinstance(text, str) and text else 0
        if cut is None and left_items >= 1 and printed <= left_chars:
            if closed is not None:
                closed["until"] = item.get("start") if item.get("start") is not None else item.get("t")
                closed = None
            shown.append(item)
            left_items -= 1
            left_chars -= printed
            continue
        if cut is None:
            cuts += 1
            cut = {"type": "cut", "seq": None, "t": item.get("t"), "n": cuts, "until": None}
            cut |= {"turns": 0, "chars": 0, "others": 0}
            shown.append(cut)
        if item.get("type") == "transcript":
            cut["turns"] += 1
            cut["chars"] += size
        else:
            cut["others"] += 1
    return shown
