"""Readings the second review found missing (agent.notes_pieces, agent.notes_morse_codes): a run of word pieces
read across its cuts, wherever they fall ("t he s ta ck" is "the stack", not "thes" and "tack"; "th es ta ck",
words run together and cut every few letters), and Morse code whose letters are not marked: one kind of gap
between all its symbols ("dot dash dot dot"), none at all (".--.-.-..-.-"), or drawn with a letter as one of its
symbols ("o=o"). Every note of every question that the guard cuts read out plain is checked in each, its shapes
generated (piece sizes drawn at random, several seeds), and the interviewer's own talk is never read another way
nor cut; the work per reply is counted, not timed."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from agent.disclosure import protected_runs
from agent.notes_readings import readings
from tests.agent.readings_support import (
    assert_every_note_cut,
    assert_passes_whole,
    assert_read_a_bounded_number_of_times,
)
from tests.agent.test_disclosure import SLUGS, interview
from tests.agent.test_disclosure_encoded import runs
from tests.agent.test_disclosure_morse_pieces_ciphers import morse_said


def first_apart(size: int, cut: str = " ") -> Callable[[list[str]], str]:
    """Each word's first letter apart, the rest in pieces of ``size`` ("t he s ta ck")."""
    return lambda ws: " ".join(
        cut.join([w[0], *(w[at : at + size] for at in range(1, len(w), size))]) for w in ws
    )


def random_pieces(seed: int, cut: str = " ") -> Callable[[list[str]], str]:
    """Each word in pieces of 1 to 4 letters drawn at random."""

    def encode(ws: list[str]) -> str:
        rng = random.Random(seed)
        out = []
        for w in ws:
            pieces = []
            at = 0
            while at < len(w):
                size = rng.randint(1, 4)
                pieces.append(w[at : at + size])
                at += size
            out.append(cut.join(pieces))
        return " ".join(out)

    return encode


def across(size: int, cut: str = " ") -> Callable[[list[str]], str]:
    """Up to three words run together (a number or a letter other than "a" apart: agent.notes_decode reads a word
    run together only as the notes' words), then cut every ``size`` letters, across the words ("th es ta ck")."""

    def encode(ws: list[str]) -> str:
        out = []
        for run in runs(ws):
            joined = "".join(run)
            out.append(cut.join(joined[at : at + size] for at in range(0, len(joined), size)))
        return " ".join(out)

    return encode


PIECES: dict[str, Callable[[list[str]], str]] = {
    "first_apart_2": first_apart(2),
    "first_apart_3": first_apart(3),
    "first_apart_2_dots": first_apart(2, "."),
    **{f"random_pieces_{seed}": random_pieces(seed) for seed in (1, 2, 3, 4)},
    "random_pieces_underscores": random_pieces(5, "_"),
    "across_2": across(2),
    "across_3": across(3),
    "across_4": across(4),
    "across_3_dots": across(3, "."),
    "across_3_hyphens": across(3, "-"),
}


@pytest.mark.parametrize("family", PIECES)
async def test_a_note_in_word_pieces_is_read_across_the_cuts_and_cut(family: str) -> None:
    """Before, pieces were joined greedily, longest first from the left: "t he s ta ck" read "thes" and left
    "ta ck", and pieces cut across words were never read (each join had to be one note's word)."""
    await assert_every_note_cut(PIECES[family])


PIECE_LOOKALIKES = [
    "So it is a map of i to j, ok? Then we go on.",
    "Yes, a set is ok; put it in, pop it out, and so on.",
    "It's k log n: a heap of k, not n. Any idea why?",
    "t is the time, n the size, and a b c are the keys.",
    "I see. So you add it to the end of the list, the new one, and we are done.",
    "We use a dict to map each val to its idx, e.g. 3 to 0.",
]


@pytest.mark.parametrize("line", PIECE_LOOKALIKES)
def test_short_words_of_talk_are_not_read_across_their_gaps(line: str) -> None:
    assert_passes_whole(line)


# Morse code whose letters are not marked, said or drawn (dot, dash, inside a letter, between letters, between words).
UNMARKED: dict[str, Callable[[list[str]], str]] = {
    "dot_dash_one_gap": morse_said("dot", "dash", " ", " ", " "),
    "dit_dah_commas": morse_said("dit", "dah", ", ", ", ", ", "),
    "di_dah_hyphens": morse_said("di", "dah", "-", "-", "-"),
    "symbols_spaced": morse_said(".", "-", " ", " ", " "),
    "symbols_spaced_words_slashed": morse_said(".", "-", " ", " ", " / "),
    "words_run_together": morse_said(".", "-", "", "", " "),
    "all_run_together": morse_said("·", "\u2212", "", "", ""),
    "o_equals_one_gap": morse_said("o", "=", " ", " ", " "),
    "o_equals_words_run_together": morse_said("o", "=", "", "", " "),
    "o_equals_all_run_together": morse_said("o", "=", "", "", ""),
}
# Morse code drawn with a letter as one of its symbols (or both), or said as any two words, letters and words marked.
LETTER_SYMBOLS: dict[str, Callable[[list[str]], str]] = {
    "o_equals": morse_said("o", "=", "", " ", " / "),
    "o_equals_wide": morse_said("o", "=", "", " ", "   "),
    "x_dash_bars": morse_said("x", "-", "", " ", " | "),
    "s_l": morse_said("s", "l", "", " ", " / "),
    "dot_x": morse_said(".", "X", "", " ", " / "),
    "beep_boop": morse_said("beep", "boop", "-", " ", " / "),
    "tick_tock": morse_said("tick", "tock", " ", ", ", " | "),
    "short_long_one_gap": morse_said("short", "long", " ", " ", " "),
}


@pytest.mark.parametrize("family", LETTER_SYMBOLS)
async def test_a_note_in_morse_drawn_with_a_letter_as_a_symbol_is_cut(family: str) -> None:
    """Before, two symbols drawn in place of dot and dash could be anything but a letter or a digit 2-9, and words
    said for them only "dit", "dah", "dot" or "dash" ("beep boop" was read as nothing)."""
    await assert_every_note_cut(LETTER_SYMBOLS[family])


@pytest.mark.parametrize("family", UNMARKED)
async def test_a_note_in_morse_with_no_mark_where_a_letter_ends_is_cut(family: str) -> None:
    """The symbols are read as the notes' words whose codes run together make them (agent.notes_morse_codes
    ``unmarked_morse``). Before, each symbol was a letter ("e", "t") or a code too long to be one, and nothing was
    read."""
    await assert_every_note_cut(UNMARKED[family])


MORSE_LOOKALIKES = [
    "No no no, ha ha ha, that is fine: o o o and x x x are just marks.",
    "The board is x o x / o x o / x x o, so x wins on the diagonal.",
    "Grid: 0 1 1 0 1 0 0 1 1 0 1 1 0 0 1 0 1 1 0 1, one row.",
    "=-=-=-=-=-=-=-=-=-=-=-=-=-=- and then ........ ---------- as dividers.",
    "0x7fffffff is INT_MAX; 01111111 in binary is 127, 10000000 is 128.",
    "Hmm... ok -- see: - - - . . . - - - is a pattern, not code.",
    "aaa bbb aab abb aaa: five strings of a and b, sorted.",
    "Yes, no, yes, no, yes, no: as you like. Bye bye, thanks thanks, see you!",
    "Ping pong ping pong ping pong ping pong, tick tock tick: the clock is running.",
]


@pytest.mark.parametrize("line", MORSE_LOOKALIKES)
def test_talk_drawn_in_two_symbols_passes_whole(line: str) -> None:
    assert_passes_whole(line)


def test_symbols_drawn_at_random_are_not_read_as_the_notes() -> None:
    """Precision: runs of dots and dashes drawn at random (24 to 400 symbols, no letter marked) are not read as the
    notes' words, against any question's notes (read so, they would count as the notes' words said)."""
    rng = random.Random(11)
    read = []
    for slug in SLUGS:
        vocab = protected_runs(interview(slug)).vocab
        for n in (24, 48, 96, 200, 400):
            for _ in range(25):
                symbols = " ".join(rng.choice(".-") for _ in range(n))
                read += [(slug, n, r[:80]) for _, r in readings(f"Here: {symbols} done.", vocab, ["morse"])]
    assert read == []


@pytest.mark.parametrize("family", ["first_apart_2", "random_pieces_1", "across_3"])
def test_a_long_reply_in_pieces_read_across_its_cuts_is_read_a_bounded_number_of_times(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_read_a_bounded_number_of_times(PIECES[family], monkeypatch)


@pytest.mark.parametrize(
    "family", ["dot_dash_one_gap", "symbols_spaced", "words_run_together", "o_equals_one_gap"]
)
def test_a_long_reply_in_unmarked_morse_is_read_a_bounded_number_of_times(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_read_a_bounded_number_of_times(UNMARKED[family], monkeypatch)
