"""Grading is blind to gender: gendered words in what the candidate and the interviewer said or commented reach the
model as neutral placeholders, quotes of them still verify and are stored as the original words, and nothing that
decides a test's meaning (code, string literals, test data, what a program printed) is changed."""

from __future__ import annotations

import re

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleRun, Evidence
from tests.grader.bundles import START, interview, run_result, transcript

GENDERED = re.compile(
    r"\b(?:he|she|him|her|his|hers|himself|herself|sir|ma'am|madam|mr|mrs|ms|mother|father|mom|dad|wife|husband"
    r"|son|daughter|brother|sister|man|woman|men|women|guys?|girl|boy|lady|maternity|pregnant)\b",
    re.I,
)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("As a mother of two, I know how to juggle deadlines.",
         "As a [parent] of two, I know how to juggle deadlines."),
        ("Yes sir, I'll start. Thank you, ma\u2019am.", "Yes [title], I'll start. Thank you, [title]."),
        ("She said his approach works; I told her he's right.",
         "[they] said [their] approach works; I told [them/their] [they]'s right."),
        ("My wife and I, and my husband's team, and my girlfriend",
         "My [partner] and I, and my [partner]'s team, and my [partner]"),
        ("I'm back from maternity leave, still pregnant though",
         "I'm back from [parental] leave, still [personal] though"),
        ("As a woman in tech, like the other guys here", "As a [person] in tech, like the other [people] here"),
        ("Thanks, Mr. Lovelace and Mrs Byron; Ms Kim agrees.",
         "Thanks, [title]. [candidate] and [title] Byron; [title] Kim agrees."),
        ("the father node points to its left son and its sister",
         "the [parent] node points to its left [child] and its [sibling]"),
        ("Soy madre de dos, señora.", "Soy [parent] de dos, [title]."),
    ],
)  # fmt: skip
def test_gendered_words_in_speech_become_neutral_placeholders(said: str, expected: str) -> None:
    out = Redactor(redaction_terms("Ada Lovelace", None)).speech(said)
    assert out.text == expected
    assert not GENDERED.search(out.text)


@pytest.mark.parametrize(
    "said",
    [
        "my stepdad and my stepmom, my stepbrother and stepsisters",
        "my hubby says hi, and so does the wifey",
        "my aunts, uncles, nieces and nephews, and both grandmas and grandpas",
        "the lads and the lasses on my team",
        "my sis and my grandsons and granddaughters",
        "two sons, three daughters and my granddad",
    ],
)
def test_family_words_in_their_step_plural_and_familiar_forms_become_placeholders(said: str) -> None:
    out = Redactor([]).speech(said).text
    words = [w for w in re.findall(r"[a-z]+", out.lower()) if w not in {"my", "and", "the", "on", "team", "says",
             "hi", "so", "does", "both", "two", "three", "of"}]  # fmt: skip
    assert set(words) <= {"relative", "relatives", "partner", "parent", "parents", "sibling", "siblings", "child",
                          "children", "people", "person"}, out  # fmt: skip


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Él dijo que el algoritmo funciona; se lo expliqué a él.",
         "[they] dijo que el algoritmo funciona; se lo expliqué a [they]."),
        ("E\u0301l lo sabe, ÉL también", "[they] lo sabe, [they] también"),
        ("el arreglo y el índice", "el arreglo y el índice"),
    ],
)  # fmt: skip
def test_spanish_el_with_its_accent_is_a_pronoun_and_without_it_the_article(said: str, expected: str) -> None:
    """The grader claims the Spanish pronouns: "él" (he) is one, and reads "el" (the) once its accent is folded away,
    so it is matched as written, with its accent (precomposed or combining)."""
    assert Redactor([]).speech(said).text == expected
    code = Redactor([]).code(f"# {said}\nel = 1\n", "python").text
    assert code == f"# {expected}\nel = 1\n"


@pytest.mark.parametrize(
    "said",
    [
        "mi novia y mi novio, mi abuela y mis abuelos",
        "mis hijos y mis hermanos, mi tía y mi tío, mis sobrinas",
        "estoy embarazada, después de la baja por maternidad o paternidad",
        "nosotras lo hicimos, y vosotras también, chicas",
        "mi suegra, mi nieta, las señoras y los caballeros",
    ],
)
def test_spanish_family_words_pronouns_and_titles_become_placeholders(said: str) -> None:
    out = Redactor([]).speech(said).text
    words = [w for w in re.findall(r"[^\W\d_]+", out.lower()) if w not in {
        "mi", "mis", "y", "estoy", "después", "de", "la", "baja", "por", "o", "lo", "hicimos", "también", "las",
        "los"}]  # fmt: skip
    placeholders = {"relative", "relatives", "partner", "parent", "parents", "sibling", "siblings", "child",
                    "children", "people", "person", "personal", "parental", "we", "you", "titles"}  # fmt: skip
    assert set(words) <= placeholders, out


@pytest.mark.parametrize(
    "said",
    [
        "a cache miss costs 10 ms, and MS is not a title here",
        "Miss a step and the loop breaks",
        "the master branch, the shell, here, these, Sr. engineers",
        "this is a hash map, then a heap",
    ],
)
def test_technical_words_that_look_gendered_stay(said: str) -> None:
    assert Redactor([]).speech(said).text == said


def test_in_code_only_comments_change_never_identifiers_or_string_literals() -> None:
    """Redaction never changes what the code does: `father` the function and "she sells" the string stay."""
    code = (
        '# my wife wrote the tests, he says\ndef father(x):\n    his = "she sells sea shells"\n'
        '    return his  # Mr Lovelace\n'
    )  # fmt: skip
    out = Redactor(redaction_terms("Ada Lovelace", None)).code(code, "python").text
    assert out == (
        '# my [partner] wrote the tests, [they] says\ndef father(x):\n    his = "she sells sea shells"\n'
        "    return his  # [title] [candidate]\n"
    )


def test_a_gendered_word_of_the_question_statement_stays_as_the_problem_vocabulary() -> None:
    r = Redactor([], vocabulary='Input: s = "A man, a plan, a canal: Panama"')
    assert r.speech("so a man a plan reads the same; as a woman I'd check").text == (
        "so a man a plan reads the same; as a [person] I'd check"
    )


def test_the_model_reads_no_gendered_word_of_the_candidate_and_its_quotes_map_back_to_the_original() -> None:
    """What reaches the model carries no gendered word of the candidate's or the interviewer's, a quote of what it
    was shown verifies and is stored as the original moment, and a quote of the original word (which the model was
    never shown) does not verify. Test data and program output are left as they are."""
    said = "As a mother of two I'd keep a map, sir."
    source = interview(
        extra_events=[
            transcript(15, 175.0, "user", said),
            transcript(16, 180.0, "assistant", "Thanks, ma'am. Could she or he explain it?"),
            BundleEvent(seq=17, type="test_run", t=185.0, payload={"submission_id": "r3", "by": "candidate"}),
        ]
    )
    failing = run_result(0, None)
    failing["tests"][0]["stdout"] = "his list\n"
    source.runs.append(
        BundleRun(id="r3", kind="run", language="python", code="def two_sum(nums, target):\n    # my wife\n"
                  "    return []\n", verdict="wrong_answer", result=failing, created_at=START)
    )  # fmt: skip
    bundle = build_bundle(source, compute_facts(source))
    timeline = bundle.interview.split("## Timeline", 1)[1]
    spoken = [line for line in timeline.splitlines() if line.startswith(("[15]", "[16]"))]
    assert spoken == [
        "[15] 175-179s C: As a [parent] of two I'd keep a map, [title].",
        "[16] 180-184s I: Thanks, [title]. Could [they] or [they] explain it?",
    ]
    assert "my wife" not in bundle.interview
    assert '"his list\\n"' in bundle.interview  # what the program printed is its own output, unchanged
    assert check(Evidence(seq=15, quote="as a [PARENT] of two"), bundle.index) == Evidence(
        seq=15, quote="As a mother of two"
    )
    assert isinstance(check(Evidence(seq=15, quote="As a mother of two"), bundle.index), str)


def _phased(*phases: tuple[str, list[tuple[str, str]]]) -> list[BundleEvent]:
    events: list[BundleEvent] = []
    for phase, lines in phases:
        events.append(BundleEvent(seq=len(events) + 1, type="phase_change", t=10.0 * len(events),
                                  payload={"to": phase}))  # fmt: skip
        for role, text in lines:
            events.append(transcript(len(events) + 1, 10.0 * len(events), role, text))
    return events


def test_the_greeting_background_and_wrap_up_conversation_is_not_shown_nor_citable() -> None:
    """The greeting's background questions come from the résumé (employers, schools, personal history) and the
    wrap-up holds the candidate's questions (in a hiring interview, about the process: visas, leave): neither is graded,
    and neither reaches the model; the phase line says how many lines were left out, in words true of a practice
    session too (which has no hiring process)."""
    events = _phased(
        ("greeting", [("assistant", "I see you were at Google after Stanford. What did you build there?"),
                      ("user", "Payments at Google; before that my PhD at Stanford.")]),
        ("problem", [("user", "I'd keep a hash map from value to index.")]),
        ("wrap_up", [("user", "Do you sponsor visas? I'd relocate with my kids.")]),
        ("end", [("assistant", "Goodbye.")]),
    )  # fmt: skip
    source = interview().model_copy(update={"events": events, "runs": []})
    bundle = build_bundle(source, compute_facts(source))
    for cue in ("Google", "Stanford", "visas", "Goodbye"):
        assert cue not in bundle.interview
    assert "phase: greeting (greeting and background questions: 2 line(s), not graded, not shown)" in (
        bundle.interview
    )
    assert "phase: wrap_up (wrap-up: the candidate's own questions: 1 line(s)" in bundle.interview
    assert "[5] 40-44s C: I'd keep a hash map from value to index." in bundle.interview
    assert "not shown" in str(check(Evidence(seq=3, quote="Payments at Google"), bundle.index))
    quote = "I'd keep a hash map"  # (from the start of the sentence: grader/quote_scope.py)
    assert check(Evidence(seq=5, quote=quote), bundle.index) == Evidence(seq=5, quote=quote)


@pytest.mark.parametrize("with_phases", [True, False])
def test_an_interview_that_never_left_the_greeting_or_has_no_phases_shows_its_conversation(
    with_phases: bool,
) -> None:
    """Nothing else would be there to assess (an interview abandoned in the greeting), or the phase is unknown."""
    events = _phased(("greeting", [("user", "Hi, I'm ready. Bye, I have to go.")]))
    if not with_phases:
        events = [e for e in events if e.type != "phase_change"]
    source = interview().model_copy(update={"events": events, "runs": []})
    assert "C: Hi, I'm ready. Bye, I have to go." in build_bundle(source, compute_facts(source)).interview
