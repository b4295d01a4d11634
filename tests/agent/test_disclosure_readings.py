# ruff: noqa: RUF001  # turned letters and dashes drawn as others are what these tests write
"""A private note read out in an encoding no word of which a listener reads alone, and a reader of the transcript
undoes with a tool or a table (agent.notes_readings, agent.notes_reader): letters shifted by any key or mirrored,
text turned upside down, Morse code, letter numbers and byte values (decimal, binary, octal, hexadecimal), words cut
into pieces by spaces, dots, apostrophes, underscores or spaced hyphens, letters doubled, tripled or interleaved with
others, vowels dropped. Every note of every question that the guard cuts read out plain is checked in each, with
shapes of each family (keys, separators, word gaps) varied; and the interviewer's own talk, including talk that
looks like an encoding (lists of numbers, ellipses, contractions, abbreviations, an English sentence shifted), is
never read another way nor cut."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from agent.disclosure import protected_runs
from agent.notes_readings import readings
from tests.agent.interviewer_corpus import calibration_lines, plausible_lines, prompt_lines, scripted_lines
from tests.agent.readings_support import (
    assert_every_note_cut,
    assert_passes_whole,
    assert_read_a_bounded_number_of_times,
    read_long_reply,
    readable_notes,
)
from tests.agent.test_disclosure import SLUGS, interview
from tests.agent.test_disclosure_encoded import coaxed, plain, spoken

_LOWER = "abcdefghijklmnopqrstuvwxyz"


def shifted(key: int) -> Callable[[list[str]], str]:
    table = str.maketrans(
        _LOWER + _LOWER.upper(), _LOWER[key:] + _LOWER[:key] + (_LOWER[key:] + _LOWER[:key]).upper()
    )
    return lambda ws: " ".join(ws).translate(table)


def mirrored(ws: list[str]) -> str:  # Atbash: a <-> z
    return " ".join(ws).translate(str.maketrans(_LOWER + _LOWER.upper(), _LOWER[::-1] + _LOWER[::-1].upper()))


TURNED = dict(zip(_LOWER, "ɐqɔpǝɟƃɥᴉɾʞlɯuodbɹsʇnʌʍxʎz", strict=True))


def turned(ws: list[str]) -> str:
    return "".join(TURNED.get(c, c) for c in " ".join(ws).lower())[::-1]


def turned_in_place(ws: list[str]) -> str:
    return "".join(TURNED.get(c, c) for c in " ".join(ws).lower())


_CODES = ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- ...- .-- -..- -.-- --.. "
MORSE = dict(zip(_LOWER + "0123456789", [*_CODES.split(), "-----", ".----", "..---", "...--", "....-", ".....",
                                         "-....", "--...", "---..", "----."], strict=True))  # fmt: skip


def morse(word_gap: str, dot: str = ".", dash: str = "-") -> Callable[[list[str]], str]:
    def encode(ws: list[str]) -> str:
        codes = [" ".join(MORSE[c] for c in w.lower() if c in MORSE) for w in ws]
        return word_gap.join(c for c in codes if c).replace(".", dot).replace("-", dash)

    return encode


def letter_numbers(inside: str, between: str) -> Callable[[list[str]], str]:
    def encode(ws: list[str]) -> str:
        return between.join(
            inside.join(str(ord(c) - 96) if c.isalpha() else c for c in w.lower()) for w in ws
        )

    return encode


def byte_values(form: Callable[[int], str], sep: str) -> Callable[[list[str]], str]:
    return lambda ws: sep.join(form(ord(c)) for c in " ".join(ws))


def in_pieces(size: int, cut: str) -> Callable[[list[str]], str]:
    return lambda ws: " ".join(cut.join(w[at : at + size] for at in range(0, len(w), size)) for w in ws)


def repeated(times: int) -> Callable[[list[str]], str]:
    return lambda ws: " ".join("".join(c * times for c in w) for w in ws)


def interleaved(fill: str, before: bool = False) -> Callable[[list[str]], str]:
    def encode(ws: list[str]) -> str:
        out = []
        for w in ws:
            mixed = "".join(c + fill[n % len(fill)] for n, c in enumerate(w))[:-1]
            out.append(fill[-1] + mixed if before else mixed)
        return " ".join(out)

    return encode


def unvowelled(keep_first: bool, y: bool = False) -> Callable[[list[str]], str]:
    vowels = "[aeiouyAEIOUY]" if y else "[aeiouAEIOU]"
    cut = rf"(?<=\w){vowels}" if keep_first else vowels
    return lambda ws: " ".join(re.sub(cut, "", w) or w for w in ws)


FAMILIES: dict[str, Callable[[list[str]], str]] = {
    "shift_1": shifted(1), "shift_7": shifted(7), "rot13": shifted(13), "shift_22": shifted(22),
    "mirrored": mirrored, "turned": turned, "turned_in_place": turned_in_place,
    "morse_slash": morse(" / "), "morse_wide_gaps": morse("   ", "·", "−"), "morse_bars": morse(" | ", "•", "–"),
    "morse_no_word_gaps": morse(" "),
    "letters_dashed": letter_numbers("-", " "), "letters_spaced": letter_numbers(" ", " / "),
    "letters_commas": letter_numbers(", ", ", "), "letters_dotted": letter_numbers(".", "  "),
    "decimal_bytes": byte_values(str, " "), "decimal_bytes_commas": byte_values(str, ", "),
    "binary_bytes": byte_values(lambda b: format(b, "08b"), " "),
    "binary_one_word": lambda ws: " ".join("".join(format(ord(c), "08b") for c in w) for w in ws),
    "octal_bytes": byte_values(lambda b: format(b, "o"), " "),
    "hex_bytes": byte_values(lambda b: format(b, "02x"), " "), "hex_0x": byte_values(lambda b: f"0x{b:02X}", ", "),
    "pieces_2_space": in_pieces(2, " "), "pieces_3_space": in_pieces(3, " "), "pieces_2_dot": in_pieces(2, "."),
    "pieces_3_apostrophe": in_pieces(3, "'"), "pieces_2_underscore": in_pieces(2, "_"),
    "pieces_3_spaced_hyphen": in_pieces(3, " - "), "pieces_4_dot_space": in_pieces(4, ". "),
    "doubled": repeated(2), "tripled": repeated(3), "interleaved_q": interleaved("q"),
    "interleaved_mixed": interleaved("zkvj"), "interleaved_digits": interleaved("7"),
    "interleaved_before": interleaved("x", before=True),
    "no_vowels": unvowelled(False), "no_vowels_but_first": unvowelled(True),
    "no_vowels_nor_y": unvowelled(True, y=True),
}  # fmt: skip


@pytest.mark.parametrize("family", FAMILIES)
async def test_a_note_read_out_in_an_encoding_read_another_way_is_cut(family: str) -> None:
    await assert_every_note_cut(FAMILIES[family])


@pytest.mark.parametrize("family", ["rot13", "morse_slash", "decimal_bytes", "letters_dashed", "pieces_2_space",
                                    "doubled", "interleaved_q", "no_vowels_but_first"])  # fmt: skip
async def test_little_of_an_encoded_note_is_released_before_the_cut(family: str) -> None:
    """What comes after the first cue of a family is held until the reply is read in it (a run of codes or numbers
    until it ends), and a reply whose reading holds the notes' words is held to its end: at most a fifth of the
    encoded note is released before the cut (before, all of it was, and the rest of the reply)."""
    encode = FAMILIES[family]
    worst = 0.0
    for _, state, notes in await readable_notes():
        for secret in notes:
            encoded = encode(plain(secret))
            out, _ = spoken(state, f"Sure, here you go: {encoded}. Anything else?")
            worst = max(worst, max(0, len(out) - len("Sure, here you go: ")) / len(encoded))
    assert worst <= 0.25, (family, worst)


def test_no_interviewer_line_of_the_corpus_is_read_another_way() -> None:
    """Measured: no line of the guard's corpus (calibration transcripts, scripted and prompt lines, plausible lines)
    reads as any family into two notes' words it does not say, against any question's notes (a reading that does
    not hold them is never matched: it cannot cut)."""
    lines = scripted_lines() + prompt_lines()
    read = []
    checked = 0
    for slug in SLUGS:
        vocab = protected_runs(interview(slug)).vocab
        own = plausible_lines().get(slug, []) + [c.line for c in calibration_lines() if c.slug == slug]
        for line in lines + own:
            checked += 1
            read += [(slug, family, line) for family, _ in readings(line, vocab)]
    assert checked >= 2000
    assert read == []


LOOKALIKES = [
    "Try coins [1, 2, 5] with amount 11, then 3, 7, 9 and 0.",
    "Your output was 2 3 4 5 6 7 8 9 10 11 12 13 14 but we expected 1 2 3.",
    "The grid rows are 1 0 1 / 0 1 0 / 1 1 0, so three islands... or two?",
    "Hmm... right. Okay -- let's see: - - - is just a divider in your notes.",
    "It's fine, you're close; we'll check what's left. Don't worry, I'd say that's it.",
    "Names like ptr, idx, cnt, len and tmp are all fine; so are i, j and k.",
    "DFS/BFS both work here, e.g. BFS from each cell, i.e. a queue.",
    "Gur dhvpx oebja sbk whzcf bire gur ynml qbt.",
    "ʎpɐǝɹ uǝɥʍ ǝɯ ʇǝl 'ɹǝʌǝuǝɥʍ ʇxǝu ǝɥʇ oʇ uo ǝʌoɯ ǝʍ",
    "Thanks! Shall we wrap up? Good luck, and bye for now.",
    "So a 3 x 3 grid, 9 cells, index 0 to 8, row r col c is r * 3 + c.",
    "0x7fffffff is INT_MAX; 01111111 in binary is 127.",
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_talk_that_looks_like_an_encoding_passes_whole(line: str) -> None:
    assert_passes_whole(line)


def test_an_honest_long_reply_is_never_read_another_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cost: a 2,000-character reply of the interviewer's own talk, streamed six characters at a time, is scanned
    once for cues and read in no family (reading it anew at each release cost 0.27 s)."""
    reads, stopped = read_long_reply(None, monkeypatch)
    assert not stopped
    assert reads == []


@pytest.mark.parametrize("family", ["rot13", "turned", "morse_slash", "decimal_bytes", "letters_dashed",
                                    "pieces_2_space", "doubled", "interleaved_mixed", "no_vowels"])  # fmt: skip
def test_an_encoded_long_reply_is_read_a_bounded_number_of_times(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cost: a 2,000-character reply in one family is read a few times, not at every piece released (hundreds of
    times, each over the whole reply so far): at a family's first cue, at the end of a run, as the reply grows by half,
    and at its end."""
    assert_read_a_bounded_number_of_times(FAMILIES[family], monkeypatch)


@pytest.mark.parametrize("family", ["turned", "morse_wide_gaps", "letters_dashed", "binary_bytes", "hex_bytes",
                                    "doubled", "pieces_3_apostrophe", "rot13"])  # fmt: skip
async def test_a_note_coaxed_out_three_words_per_reply_in_an_encoding_is_cut_as_if_plain(family: str) -> None:
    """The interviewer's earlier replies are counted as read in a family too (agent.notes_build ``read_said``,
    agent.notes_readings ``read_as``): a note coaxed three words per reply, each reply in Morse code or bytes, is cut
    no later than it is coaxed out plain (before, never: each reply alone held too few of the note's words)."""
    encode = FAMILIES[family]
    checked = 0
    late = []
    for slug, state, notes in await readable_notes():
        for secret in notes:
            plain_cut = coaxed(state, secret, 3, lambda _, ws: " ".join(ws))
            if plain_cut > 1:
                continue  # generic talk: not counted across replies
            checked += 1
            encoded_cut = coaxed(state, secret, 3, lambda _, ws: encode(ws))
            if encoded_cut > plain_cut + 0.2:
                late.append((slug, secret, plain_cut, encoded_cut))
    assert checked >= 20
    assert len(late) <= (1 if family == "rot13" else 0), late[:3]
