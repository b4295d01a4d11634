"""A name or a contact detail said across two transcript lines: speech-to-text cuts a turn where the speaker pauses,
and a chat message can be typed in pieces, so neither line alone holds the name or the number."""

from __future__ import annotations

import re

import pytest

from grader.bundle import build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import Evidence
from tests.grader.bundles import interview, transcript

NAME, PHONE = ("[candidate]", "[candidate]"), ("[phone]", "[phone]")
PAIRS = [
    # (first line, second line, what neither may show, what each must show)
    ("Sure, my surname is Love", "lace, as in the poet's daughter.", r"\bLove\b|\blace\b", NAME),
    ("Thanks. I'm Ada Love", "lace and I'll take the hash map approach.", r"\bLove\b|\blace\b", NAME),
    (
        "If it drops, call me at four one five",
        "five five five, zero one zero zero, any time.",
        r"five|zero",
        PHONE,
    ),
    # The cue in one line, the name in the next: only the name is replaced.
    ("Before we start, my name is", "Sasha Blue, by the way.", r"Sasha|Blue", ("my name is", "[candidate]")),
    # A name whole to a line's end goes on into the next by a word that is no everyday word.
    ("my name is Priya", "Raman, and I work at a bank.", r"Priya|Raman", NAME),
    ("my name is Sanne", "de Vries, and I work at a bank.", r"Sanne|Vries", NAME),
]


@pytest.mark.parametrize(("first", "second", "hidden", "shown"), PAIRS)
def test_a_name_or_number_said_across_two_lines_is_redacted_in_both(
    first: str, second: str, hidden: str, shown: tuple[str, str]
) -> None:
    source = interview(
        extra_events=[transcript(30, 180.0, "user", first), transcript(31, 185.0, "user", second)]
    )
    bundle = build_bundle(source, compute_facts(source))
    rows = [line for line in bundle.interview.split("\n") if line.startswith(("[30]", "[31]"))]
    assert len(rows) == 2
    assert not any(re.search(hidden, row) for row in rows), rows
    assert all(what in row for what, row in zip(shown, rows, strict=True)), rows
    # The lines stay citable, and a quote is stored as the original words.
    for seq, row, original in ((30, rows[0], first), (31, rows[1], second)):
        result = check(Evidence(seq=seq, quote=row.split(": ", 1)[1]), bundle.index)
        assert isinstance(result, Evidence) and result.quote == original, result


def test_lines_of_two_speakers_or_with_nothing_of_the_name_are_left_as_they_are() -> None:
    source = interview(
        extra_events=[
            transcript(30, 180.0, "assistant", "What would you call the map, Love"),
            transcript(31, 185.0, "user", "lace? No: seen, from value to index."),
            transcript(32, 190.0, "user", "I love"),
            transcript(33, 195.0, "user", "this problem, a classic."),
        ]
    )
    bundle = build_bundle(source, compute_facts(source))
    assert "[31] 185-189s C: lace? No: seen, from value to index." in bundle.interview
    assert "[32] 190-194s C: I love" in bundle.interview
    assert "[33] 195-199s C: this problem, a classic." in bundle.interview


@pytest.mark.parametrize(
    ("lines", "hidden"),
    [
        # The interviewer cuts in between the cue and the name, in one line or two.
        (
            [("user", "Hi, my name is"), ("assistant", "Sorry, go ahead."), ("user", "Zanele Mbeki, hello.")],
            r"Zanele|Mbeki",
        ),
        (
            [
                ("user", "so yeah my name is"),
                ("assistant", "Sorry, you cut out there."),
                ("assistant", "Could you say that again?"),
                ("user", "olusegun adeyemi"),
            ],
            r"olusegun|adeyemi",
        ),
        (
            [
                ("user", "call me at four one five"),
                ("assistant", "okay"),
                ("user", "five five five zero one zero zero"),
            ],
            r"five|zero",
        ),
    ],
)
def test_a_name_or_number_cut_by_the_other_speaker_is_redacted(
    lines: list[tuple[str, str]], hidden: str
) -> None:
    events = [transcript(30 + i, 180.0 + 5 * i, who, text) for i, (who, text) in enumerate(lines)]
    source = interview(extra_events=events)
    bundle = build_bundle(source, compute_facts(source))
    rows = [
        line
        for line in bundle.interview.split("\n")
        if line.startswith(tuple(f"[{30 + i}]" for i in range(4)))
    ]
    assert len(rows) == len(lines)
    assert not any(re.search(hidden, row) for row in rows), rows
    assert "[candidate]" in rows[-1] or "[phone]" in rows[-1], rows


@pytest.mark.parametrize(
    ("first", "between", "after"),
    [
        ("I think the answer is", "Take your time.", "Dijkstra, with a heap."),
        # A question or a prompt of the interviewer's own is answered by the next line, which continues no cue.
        (
            "so, my name is",
            "Great, and what approach would you take?",
            "Binary search on the answer, then verify.",
        ),
        ("my number is", "Let's focus on the problem.", "two three, the indices are two and three"),
        ("bueno, me llamo", "¿Y qué enfoque usarías?", "Búsqueda binaria sobre la respuesta."),
    ],
)
def test_an_interviewers_answer_between_two_candidate_lines_reads_no_name_into_them(
    first: str, between: str, after: str
) -> None:
    source = interview(
        extra_events=[
            transcript(30, 180.0, "user", first),
            transcript(31, 185.0, "assistant", between),
            transcript(32, 190.0, "user", after),
        ]
    )
    bundle = build_bundle(source, compute_facts(source))
    assert f"C: {after}" in bundle.interview, bundle.interview.split("\n")[-4:]


@pytest.mark.parametrize(
    ("lines", "hidden", "shown"),
    [
        # Whole at a line's end, a name does not take the next line's first word, which speech-to-text writes with a
        # capital whatever it is: "call me Pri" / "Okay so ..." had shown "[candidate] so ...".
        (
            [("user", "you can call me Pri"), ("user", "Okay so I think a hash map.")],
            r"\bPri\b",
            ["C: you can call me [candidate]", "C: Okay so I think a hash map."],
        ),
        (
            [("user", "Hi I'm Priyanka but you can call me Pri"), ("user", "You can call me, uh, Priya.")],
            r"\bPri",
            ["C: Hi I'm [candidate] but you can call me [candidate]", "C: You can call me, uh, [candidate]."],
        ),
        # A name said across two lines is the candidate's everywhere, as one said in one line: the interviewer's
        # "Great, Priya." had reached the model.
        (
            [
                ("user", "So yeah, you can call me"),
                ("user", "Priya. Nice to meet you."),
                ("assistant", "Great, Priya. Let's begin."),
            ],
            r"Priya",
            [
                "C: So yeah, you can call me",
                "C: [candidate]. Nice to meet you.",
                "I: Great, [candidate]. Let's",
            ],
        ),
        (
            [
                ("user", "my name is Priya"),
                ("user", "Raman, and I work at a bank"),
                ("assistant", "Thanks, Raman. Okay, so."),
            ],
            r"Priya|Raman",
            ["C: my name is [candidate]", "C: [candidate], and I work", "I: Thanks, [candidate]. Okay, so."],
        ),
        (
            [
                ("user", "you can call me"),
                ("assistant", "Sorry?"),
                ("user", "Priya Raman."),
                ("assistant", "Thanks Priya Raman, Priya it is."),
            ],
            r"Priya|Raman",
            [
                "C: you can call me",
                "I: Sorry?",
                "C: [candidate].",
                "I: Thanks [candidate], [candidate] it is.",
            ],
        ),
        # A line of hesitation alone between the cue and the name is passed over, as an interruption is.
        (
            [("user", "you can call me"), ("user", "um"), ("user", "Priya."), ("assistant", "Great, Priya.")],
            r"Priya",
            ["C: you can call me", "C: um", "C: [candidate].", "I: Great, [candidate]."],
        ),
        # Whole in its line, a name adds no everyday word of the next to the names redacted everywhere.
        (
            [("user", "call me Pri"), ("user", "Okay."), ("assistant", "Okay, Pri. Okay?")],
            r"\bPri\b",
            ["C: call me [candidate]", "C: Okay.", "I: Okay, [candidate]. Okay?"],
        ),
    ],
)
def test_a_name_at_a_line_edge_takes_no_everyday_word_and_is_redacted_everywhere(
    lines: list[tuple[str, str]], hidden: str, shown: list[str]
) -> None:
    events = [transcript(30 + i, 180.0 + 5 * i, who, text) for i, (who, text) in enumerate(lines)]
    source = interview(extra_events=events)
    bundle = build_bundle(source, compute_facts(source))
    rows = [
        line
        for line in bundle.interview.split("\n")
        if line.startswith(tuple(f"[{30 + i}]" for i in range(4)))
    ]
    assert len(rows) == len(lines)
    assert not any(re.search(hidden, row) for row in rows), rows
    assert all(what in row for what, row in zip(shown, rows, strict=True)), rows
