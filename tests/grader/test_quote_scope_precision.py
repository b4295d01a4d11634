"""A quote of the candidate's words that starts after a word speech corrects itself with ("Wait,", "Oops,",
"Look,", "Espera,") stands, as after "um" or "so": that word takes nothing back. What does take it back before the
quote is still cut away (grader/quote_scope.py fails closed)."""

from __future__ import annotations

import pytest

from grader.quote_scope import cut_away


def _left_out(line: str, quote: str) -> str:
    start = line.index(quote)
    return cut_away(line, start, start + len(quote))


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        ("Wait, I'm returning an empty list too early.", "I'm returning an empty list too early."),
        ("Oops, I return before checking the map.", "I return before checking the map."),
        ("Look, the map stores each value's index.", "the map stores each value's index."),
        ("Hey, so the loop only runs once.", "the loop only runs once."),
        ("Aha, the bug is the early return.", "the bug is the early return."),
        ("Espera, devuelvo la lista demasiado pronto.", "devuelvo la lista demasiado pronto."),
        ("Oye, el mapa guarda el índice.", "el mapa guarda el índice."),
    ],
)
def test_a_quote_after_a_self_correcting_filler_stands(line: str, quote: str) -> None:
    assert _left_out(line, quote) == "", (line, quote)


@pytest.mark.parametrize(
    ("line", "quote"),
    [
        ("Wait, no, my code handles duplicates.", "my code handles duplicates."),
        ("Wait, I don't think my code handles duplicates.", "my code handles duplicates."),
        ("Look, maybe my code handles duplicates.", "my code handles duplicates."),
        ("Espera, no creo que mi código maneje duplicados.", "mi código maneje duplicados."),
    ],
)
def test_what_takes_it_back_after_the_filler_is_still_cut_away(line: str, quote: str) -> None:
    assert _left_out(line, quote), (line, quote)
