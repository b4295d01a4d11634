"""The second pass's readings of a whole reply (agent.notes_morse_drawn, agent.notes_pieces, agent.notes_ciphers):
Morse code said as words ("dit dah", "di-dah-dit", "dot dash") or drawn in two other symbols, letters with one
symbol between them ("h_e_l_l_o", "h*e*l*l*o"), words in pieces whose first piece is "a" or "i" ("a rr ay"), and a
different Caesar key per word. Every note of every question that the guard cuts read out plain is checked in each, and
the interviewer's own talk is never read another way nor cut."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.agent.readings_support import (
    assert_every_note_cut,
    assert_passes_whole,
    assert_read_a_bounded_number_of_times,
    read_long_reply,
)
from tests.agent.test_disclosure_encoded import plain
from tests.agent.test_disclosure_readings import MORSE, shifted


def morse_said(
    dot: str, dash: str, inside: str, letter_gap: str, word_gap: str
) -> Callable[[list[str]], str]:
    def encode(ws: list[str]) -> str:
        return word_gap.join(
            letter_gap.join(
                inside.join(dot if s == "." else dash for s in MORSE[c]) for c in w.lower() if c in MORSE
            )
            for w in ws
        )

    return encode


def between(symbol: str) -> Callable[[list[str]], str]:
    return lambda ws: " ".join(symbol.join(w) for w in ws)


def pieces_after_first(size: int, cut: str) -> Callable[[list[str]], str]:
    """Each word's first letter apart, the rest in pieces of ``size`` ("a rr ay", "i.nd.ex")."""
    return lambda ws: " ".join(
        cut.join([w[0], *(w[at : at + size] for at in range(1, len(w), size))]) for w in ws
    )


def article_apart(size: int, cut: str = " ") -> Callable[[list[str]], str]:
    """A word that starts with "a" or "i" cut after it, the rest in pieces of ``size``; other words so from their
    first letter ("a rra y", "i nde x", "has h")."""
    return lambda ws: " ".join(
        cut.join(
            [w[0], *(w[at : at + size] for at in range(1, len(w), size))]
            if w[0].lower() in "ai" and len(w) > 1
            else [w[at : at + size] for at in range(0, len(w), size)]
        )
        for w in ws
    )


def key_per_word(ws: list[str]) -> str:
    return " ".join(shifted(1 + (7 * n) % 25)([w]) for n, w in enumerate(ws))


def vigenere(key: str, running: bool = True) -> Callable[[list[str]], str]:
    """Each letter moved on by the key's letters in turn, over all the letters or from each word's first."""

    def encode(ws: list[str]) -> str:
        out = []
        n = 0
        for w in ws:
            n = n if running else 0
            letters = []
            for c in w:
                letters.append(
                    shifted(ord(key[n % len(key)]) - 97)([c]) if c.isascii() and c.isalpha() else c
                )
                n += c.isascii() and c.isalpha()
            out.append("".join(letters))
        return " ".join(out)

    return encode


FAMILIES: dict[str, Callable[[list[str]], str]] = {
    "dit_dah_hyphens": morse_said("dit", "dah", "-", " ", ", "),
    "di_dah_slash": morse_said("di", "dah", "-", " ", " / "),
    "dot_dash_spaced": morse_said("dot", "dash", " ", ", ", " / "),
    "Dot_Dash_wide": morse_said("Dot", "Dash", "-", " ", "   "),
    "dih_dah_bars": morse_said("dih", "dah", " ", "; ", " | "),
    "star_tilde": morse_said("*", "~", "", " ", " / "),
    "zero_one": morse_said("0", "1", "", " ", " / "),
    "plus_equals_wide": morse_said("+", "=", "", " ", "   "),
    "bullet_bar": morse_said("•", "▬", "", " ", " | "),
    "between_underscore": between("_"),
    "between_hash": between("#"),
    "between_star": between("*"),
    "between_slash": between("/"),
    "between_plus": between("+"),
    "between_two_stars": between("**"),
    "between_spaced_tilde": between(" ~ "),
    "article_apart_2": article_apart(2),
    "article_apart_3_dots": article_apart(3, "."),
    "article_apart_4": article_apart(4),
    "key_per_word": key_per_word,
    "vigenere_ab": vigenere("ab"),
}
KEYS = {
    "key": True,
    "lemon": False,
    "abcd": True,
    "zq": False,
}  # key: over all the letters (or from each word)


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_note_read_out_in_more_encodings_is_cut(family: str) -> None:
    await assert_every_note_cut(FAMILIES[family])


@pytest.mark.parametrize("key", KEYS)
async def test_a_note_read_out_with_a_repeated_key_is_cut_when_a_word_is_longer_than_the_key(
    key: str,
) -> None:
    """A key repeated over the letters (Vigenère) is found from a word of the reply that it reads as a note's word
    with 3 letters to spare (a chance fit of a key to a word is 26 ** -3): a note with a word 3 letters longer than
    the key is cut, whatever the key. Notes without one are not caught (docs/protocol.md)."""
    await assert_every_note_cut(
        vigenere(key, KEYS[key]),
        lead=f"Sure, with the key {key.upper()}: ",
        only=lambda secret: any(len(w) >= len(key) + 3 for w in plain(secret)),
        at_least=25,
    )


LOOKALIKES = [
    "That's a part of it; I dent nothing, a rest is fine, i ndeed.",
    "Use *args and **kwargs, or a_b_c names; x/y/z axes are fine too.",
    "The dot product, a dash of salt, dit dah is radio talk, and dot dot dot means more.",
    "Rows are 0 1 1 / 1 0 0 / 0 0 1, and *** or ~~~ are dividers.",
    "Hmm... ok -- see: +++ === +++ is just a border, and ** bold ** too.",
    "A b c d e f g are the nodes; i j k the indexes.",
    "Gur dhvpx oebja sbk whzcf bire gur ynml qbt, said in ROT13.",
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_talk_that_looks_like_the_new_encodings_passes_whole(line: str) -> None:
    assert_passes_whole(line)


@pytest.mark.parametrize(
    "family",
    [
        "dot_dash_spaced",
        "star_tilde",
        "zero_one",
        "between_hash",
        "article_apart_4",
        "key_per_word",
        "vigenere_ab",
        None,
    ],
)
def test_a_long_reply_in_a_new_family_is_read_a_bounded_number_of_times(
    family: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cost: a 2,000-character reply, streamed six characters at a time, is read a few times in a new family (at its
    first cue, at the end of a run, as it grows by half, at its end), and never when it is plain talk. The work is
    counted (reads and the characters read), not timed: the time is measured in docs/protocol.md."""
    if family is None:
        reads, _ = read_long_reply(None, monkeypatch)
        assert reads == []
    else:
        assert_read_a_bounded_number_of_times(FAMILIES[family], monkeypatch)
