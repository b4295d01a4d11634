"""A quote may not say what the candidate did not: cut from after a negation, a hedge, a condition or a question
that governs it in its clause, it is refused (the repair round), in English and in Spanish; and a run's label
("submission (every test)") is not its result."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.credit import substantive
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import Evidence
from tests.grader.bundles import interview, transcript

CLAIMS = [
    "my code handles duplicates and negative numbers correctly",
    "the hash map version runs in O(n) time",
    "mi código maneja duplicados y números negativos",
]
# What governs the claim after it, in its clause, and is cut away when the quote starts at the claim.
GOVERNED = [
    "Honestly I don't think {claim}.",
    "I do not think {claim}.",
    "I'm not really sure that {claim}.",
    "I never checked whether {claim}.",
    "I wish {claim}.",
    "I thought {claim}, but it fails.",
    "Maybe {claim}.",
    "Perhaps {claim}.",
    "It's probably true that {claim}.",
    "I hope {claim}.",
    "If {claim}, we are done.",
    "Unless {claim}, it breaks.",
    "I doubt {claim}.",
    "I dont think {claim}.",
    "I didn\u2019t prove {claim}.",
    "I should have made sure {claim}.",
    "Can I say {claim}?",
    "Do you think {claim}?",
    "So, would you agree {claim}?",
    "No creo que {claim}.",
    "Nunca probé que {claim}.",
    "Quizás {claim}.",
    "Tal vez {claim}.",
    "Ojalá {claim}.",
    "Si {claim}, terminamos.",
    "¿{claim}?",
    "No sé si {claim}.",
    # Words no list of hedges held (a quote must start at its sentence's start, or after neutral words only).
    "I used to think {claim}.",
    "I was hoping {claim}.",
    "I had assumed {claim}.",
    "I believed {claim}.",
    "I expected {claim}.",
    "In theory {claim}.",
    "It is false that {claim}.",
    "It's wrong to say {claim}.",
    "Yeah right, {claim}.",
    "Yo pensaba que {claim}.",
    "Creía que {claim}.",
    "Dudaba que {claim}.",
    "Es falso que {claim}.",
    "No, creo que {claim}.",
    "No, {claim}.",
    "I tested it: {claim}.",
    "I checked it myself and {claim}.",
    # A word that turns the sentence does not start one: "I'm not sure but ..." is a hedge.
    "I didn't test it at first but {claim}.",
    "I'm not sure but {claim}.",
    "Pero no sé, {claim}.",
    # Neutral words only, in a question: a question quoted as a statement.
    "So {claim}?",
    "Okay, um, {claim}?",
    "Entonces {claim}?",
    # Words that can be sarcastic, "si" ("if", not "sí"), an abbreviation's point.
    "Yeah, sure, {claim}.",
    "Right, {claim}.",
    "Si, {claim}.",
    "I never said, e.g. {claim}.",
    "It's not true vs. {claim}.",
]
# The same claim with nothing cut away that governs it: its own words.
OWN = [
    "{claim}.",
    "Yes, {claim}.",
    "I don't think so. {claim}.",
    "Okay, {claim}, and I tested it.",
    "So, um, {claim}.",
    "Yeah, and then, uh, {claim}.",
    "Bueno, pues {claim}.",
    "I didn't test it. Well, {claim}.",
    "No. {claim}. I tested it with duplicates and negative numbers.",
    "I'd say no.\n{claim}.",
    "So, I'd, um, {claim}.",
    "We'll, uh, {claim}.",
    "Let's see. Okay, so {claim}.",
    "O sea, vamos, {claim}.",
    "Y entonces, este, {claim}.",
    "¿Lo probé? Sí. {claim}.",
]


def _said(line: str):  # type: ignore[no-untyped-def]
    source = interview(extra_events=[transcript(21, 175.0, "user", line)])
    return build_bundle(source, compute_facts(source)).index


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", GOVERNED)
def test_a_quote_that_cuts_away_what_governs_it_is_refused_and_the_whole_clause_verifies(
    template: str, claim: str
) -> None:
    line = template.format(claim=claim)
    index = _said(line)
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "change what was said" in problem
    assert "from the start of the sentence" in problem
    # Quoted from the start of its sentence, it holds, and says what was said (a question with its "?").
    whole = line[: line.index(claim) + len(claim)]
    whole += "?" if line.startswith("?", len(whole)) else ""
    assert check(Evidence(seq=21, quote=whole), index) == Evidence(seq=21, quote=whole)


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", OWN)
def test_a_quote_of_a_claim_nothing_governs_verifies(template: str, claim: str) -> None:
    index = _said(template.format(claim=claim))
    verified = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(verified, Evidence) and verified.quote == claim
    assert substantive(verified, index)


def test_the_reviewers_case_earns_no_credit_on_the_words_the_candidate_denied() -> None:
    """The candidate said they did not think it worked and never tested it; the quote of the claim alone had
    verified and earned credit for verification."""
    index = _said(
        "Honestly I don't think my code handles duplicates and negative numbers correctly, I never tested it."
    )
    for quote in (
        "my code handles duplicates and negative numbers correctly",
        "code handles duplicates and negative numbers correctly",
        "handles duplicates and negative numbers correctly",
    ):
        assert isinstance(check(Evidence(seq=21, quote=quote), index), str)
    # Mid-sentence, after words that are not neutral, even a true part is refused: the whole sentence holds.
    assert isinstance(check(Evidence(seq=21, quote="I never tested it"), index), str)
    whole = (
        "Honestly I don't think my code handles duplicates and negative numbers correctly, I never tested it"
    )
    assert isinstance(check(Evidence(seq=21, quote=whole), index), Evidence)


@pytest.mark.parametrize(
    "quote", ["every test", "submission (every test)", "(every test) by the candidate", "[14]"]
)
def test_a_runs_label_is_not_quotable_as_its_result(quote: str) -> None:
    source = interview()
    index = build_bundle(source, compute_facts(source)).index
    assert isinstance(check(Evidence(seq=14, quote=quote), index), str)


@pytest.mark.parametrize("quote", ["accepted", "visible tests 2/2 passed", "hidden tests 1/1 passed"])
def test_a_runs_verdict_and_counts_stay_quotable(quote: str) -> None:
    source = interview()
    index = build_bundle(source, compute_facts(source)).index
    assert check(Evidence(seq=14, quote=quote), index) == Evidence(seq=14, quote=quote)


# Systematic variants: what a speech-to-text line puts between a governing word and the claim (fillers set off by
# commas, a colon, an ellipsis, a dash, a line break), and the words before it no list held.
GOVERNORS = ["I don't", "I do not", "I never", "I used to", "Honestly I don't", "No creo que", "Yo no"]
VERBS = ["think", "really think", "believe", "honestly believe", "pienso que"]
BREAKS = [", um, ", ", uh, ", ": ", "... ", " - ", "\n", ", honestly, ", ", like, ", "; "]


@pytest.mark.parametrize(
    "line",
    sorted(
        {
            f"{governor}{brk}{verb} {claim}."
            for governor in GOVERNORS
            for brk in BREAKS
            for verb in VERBS
            for claim in CLAIMS[:1]
        }
        | {
            f"{governor} {verb}{brk}{CLAIMS[2]}."
            for governor in GOVERNORS
            for brk in BREAKS
            for verb in VERBS
        }
    ),
)
def test_a_governing_word_set_off_by_punctuation_or_fillers_still_governs(line: str) -> None:
    claim = next(c for c in CLAIMS if c in line)
    index = _said(line)
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "quote from the start of the sentence" in problem, line
    # From the start of the sentence, it holds.
    whole = line[: line.index(claim) + len(claim)]
    assert isinstance(check(Evidence(seq=21, quote=whole), index), Evidence), line


DENIALS_AFTER = [
    "{claim}. Not.",
    "{claim}. Not. I never tested it.",
    "{claim}, said no one ever.",
    "{claim}. Just kidding.",
    "{claim}... jk.",
    "{claim}. Nope.",
    "{claim}, I think.",
    "{claim}, I hope.",
    "{claim}, or not.",
    "{claim}, if the input is sorted.",
    "{claim} is what I would love to say.",
    "{claim}. Es broma.",
    "{claim}. No.",
    "{claim}, creo.",
    "{claim}, no lo sé.",
    "{claim}. Yeah. Not.",
    "{claim}. Okay. Right. Just kidding.",
    "{claim}!\nNope.",
    "{claim}, which would be nice.",
]


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", DENIALS_AFTER)
def test_a_quote_followed_by_its_denial_is_refused_and_the_whole_verifies(template: str, claim: str) -> None:
    line = template.format(claim=claim)
    index = _said(line)
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "change what was said" in problem, line
    assert isinstance(check(Evidence(seq=21, quote=line.rstrip(".")), index), Evidence), line


@pytest.mark.parametrize(
    "line",
    [
        "I don't, um, think my code handles duplicates and negative numbers correctly.",
        "Yo pensaba que mi código maneja duplicados y números negativos, pero no lo probé.",
        "My code handles duplicates and negative numbers correctly. Not. I never tested it.",
    ],
)
def test_the_reviewers_bypasses_earn_no_credit(line: str) -> None:
    index = _said(line)
    for quote in (
        "think my code handles duplicates and negative numbers correctly",
        "my code handles duplicates and negative numbers correctly",
        "mi código maneja duplicados y números negativos",
    ):
        if quote.lower() in line.lower():
            assert isinstance(check(Evidence(seq=21, quote=quote), index), str), (line, quote)


@pytest.mark.parametrize("claim", CLAIMS)
def test_a_question_quoted_from_its_opening_mark_verifies_and_from_inside_it_is_refused(claim: str) -> None:
    index = _said(f"Entonces ¿{claim}? Sí.")
    assert check(Evidence(seq=21, quote=f"¿{claim}?"), index) == Evidence(seq=21, quote=f"¿{claim}?")
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "quote from the start of the sentence" in problem


def test_a_sentence_that_starts_beyond_what_is_read_is_refused() -> None:
    """A governing word further back than the words read (a run of fillers between) could govern the quote: the
    rule does not take what it did not read for neutral."""
    claim = CLAIMS[0]
    fillers = "um, " * 80
    for line in (f"I do not {fillers}think {claim}.", f"I do not, {fillers}{claim}."):
        assert isinstance(check(Evidence(seq=21, quote=claim), _said(line)), str), line
    # Shorter, with nothing but fillers, it holds.
    line = f"So, {'um, ' * 10}{claim}, {'uh, ' * 10}and that's it."
    assert isinstance(check(Evidence(seq=21, quote=claim), _said(line)), Evidence)


def test_a_long_lines_tail_is_not_the_start_of_a_sentence() -> None:
    """Of a long line the model is shown its head and tail: the tail starts where the clip does, inside a sentence
    whose start ("I don't think") it was not shown."""
    claim = CLAIMS[0]
    line = (
        "I don't think "
        + "and then the loop goes on " * 200
        + claim
        + ". We ran it. "
        + "Then it passed. " * 38
    )
    index = _said(line)
    head, tail = index.citable[21].views
    assert "I don't think" in head.text and "I don't think" not in tail.text
    # The tail starts inside the claim's sentence, which ends close after.
    quote = tail.text[: tail.text.index(".")]
    assert not line.startswith(quote) and len(quote.split()) >= 3
    problem = check(Evidence(seq=21, quote=quote), index)
    assert isinstance(problem, str) and "change what was said" in problem
    # A sentence that starts in the tail holds.
    index = _said("I don't think " + "and then the loop goes on " * 200 + ". " + claim + ".")
    assert isinstance(check(Evidence(seq=21, quote=claim), index), Evidence)


@pytest.mark.parametrize(
    ("line", "quote", "verified"),
    [
        # Invisible characters do not make a word ("no\u2060tes" is "notes", not a denial "no").
        ("I copied this from my no\u2060tes.", "I copied this", True),
        ("So, u\u200bm, I copied this.", "I copied this", True),
        # Look-alike letters read as the Latin ones: a Cyrillic "o" in "Not" still denies.
        ("My code handles duplicates. N\u043et.", "My code handles duplicates", False),
        ("I d\u043en't think my code handles duplicates.", "my code handles duplicates", False),
    ],
)
def test_words_are_read_as_the_model_reads_them(line: str, quote: str, verified: bool) -> None:
    result = check(Evidence(seq=21, quote=quote), _said(line))
    assert isinstance(result, Evidence) == verified, result
    assert verified or "quote from the start of the sentence" in str(result)


@pytest.mark.parametrize("claim", CLAIMS)
def test_a_quote_that_ends_its_sentence_is_read_with_the_next_sentence_only_when_that_one_is_short(
    claim: str,
) -> None:
    index = _said(f"{claim}. I didn't write any tests for the empty input, though. Then I submitted it.")
    assert isinstance(check(Evidence(seq=21, quote=f"{claim}."), index), Evidence)
    index = _said(f"{claim}. Not really. Then I submitted it.")
    assert isinstance(check(Evidence(seq=21, quote=f"{claim}."), index), str)


QUESTIONS = [
    "{claim}?",
    "So {claim}?",
    "Okay, so {claim}?",
    "{claim}? Let me check.",
    "Wait. {claim}?",
    "{claim}\uff1f",
]


@pytest.mark.parametrize("claim", CLAIMS)
@pytest.mark.parametrize("template", QUESTIONS)
def test_a_question_quoted_from_its_start_without_its_question_mark_is_refused(
    template: str, claim: str
) -> None:
    """ "So the input is sorted" of "So the input is sorted?" had verified: the candidate's question, stored as their
    statement."""
    line = template.format(claim=claim)
    index = _said(line)
    sentence_start = line.rfind(". ", 0, line.index(claim)) + 2 if ". " in line[: line.index(claim)] else 0
    asked = line[sentence_start : line.index(claim) + len(claim)]
    problem = check(Evidence(seq=21, quote=asked), index)
    assert isinstance(problem, str) and "a question the candidate asked" in problem, line
    mark = line[sentence_start + len(asked)]
    assert check(Evidence(seq=21, quote=asked + mark), index) == Evidence(seq=21, quote=asked + mark)


@pytest.mark.parametrize("claim", CLAIMS)
def test_a_question_quoted_from_its_opening_mark_without_its_close_is_refused(claim: str) -> None:
    index = _said(f"¿{claim}? Sí.")
    assert isinstance(check(Evidence(seq=21, quote=f"¿{claim}"), index), str)
    assert check(Evidence(seq=21, quote=f"¿{claim}?"), index) == Evidence(seq=21, quote=f"¿{claim}?")


# Words between a claim and its denial that deny nothing, however many: speech-to-text can leave a sentence unended.
FILLER = "and then the loop goes on over the array and the map keeps every value it has seen so far "


@pytest.mark.parametrize("claim", CLAIMS[:2])
@pytest.mark.parametrize(
    "denial",
    [", I don't think so.", ", said no one ever.", ", or at least I hope so.", ". Not.", ", es broma."],
)
def test_a_denial_far_after_the_quote_in_its_sentence_is_read(claim: str, denial: str) -> None:
    """A denial 240 characters or more after the quote had not been read: "... correctly, [300 characters], I don't
    think so." verified as the claim alone."""
    line = f"{claim}, {FILLER * 4}{denial}"
    assert len(line) - len(denial) > 300
    index = _said(line)
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "change what was said" in problem, denial
    # Quoted on to the denial, it holds.
    assert isinstance(check(Evidence(seq=21, quote=line.rstrip(".")), index), Evidence)


@pytest.mark.parametrize("claim", CLAIMS[:2])
def test_a_long_sentence_with_no_denial_after_the_quote_verifies(claim: str) -> None:
    index = _said(f"{claim}, {FILLER * 6}and that is the whole idea. Then I submitted it.")
    assert isinstance(check(Evidence(seq=21, quote=claim), index), Evidence)


def test_a_question_mark_far_after_the_quote_makes_its_sentence_a_question() -> None:
    claim = CLAIMS[0]
    line = f"So {claim}, {FILLER * 4}, is that what you mean?"
    index = _said(line)
    assert isinstance(check(Evidence(seq=21, quote=f"So {claim}"), index), str)


def test_a_long_lines_head_is_not_the_end_of_a_sentence() -> None:
    """Of a long line the model is shown its head and tail: a sentence that runs past the head may be denied in the
    middle, which it was not shown; a sentence that ends in the head holds."""
    claim = CLAIMS[0]
    line = (
        f"{claim} "
        + "and then the loop goes on " * 200
        + "not really, I never tested it. "
        + "Then it passed. " * 40
    )
    index = _said(line)
    head, _ = index.citable[21].views
    assert head.text.startswith(claim) and "not really" not in head.text
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "change what was said" in problem
    index = _said(f"{claim}. " + "And then the loop goes on. " * 200 + "Then it passed. " * 40)
    assert isinstance(check(Evidence(seq=21, quote=claim), index), Evidence)


def test_a_quote_that_matches_at_a_thousand_places_of_one_long_sentence_reads_it_once() -> None:
    """Each place a quote matches reads its sentence to the end: the sentence's ends and words are found once for the
    text (`_layout`), then each place is a few binary searches, not a read of up to 200 KB."""
    from grader.evidence import CitableEvent, CitationIndex
    from grader.quote_scope import _layout
    from grader.redacted import Redacted

    text = ("So. " + "um " * 60 + "not. ") * 1_000
    index = CitationIndex(
        types={20: "transcript"},
        citable={20: CitableEvent(20, "transcript", (Redacted(text, text),), speaker="candidate")},
    )
    _layout.cache_clear()
    problem = check(Evidence(seq=20, quote="um um um"), index)
    assert isinstance(problem, str)
    assert _layout.cache_info().misses == 1 and _layout.cache_info().hits >= 999


@pytest.mark.parametrize(
    "line",
    [
        # A hedge after it that no list held.
        "{claim}, supposedly.",
        "{claim}, apparently.",
        "{claim}, in theory.",
        "{claim}, theoretically.",
        "{claim} lol.",
        "{claim}, supuestamente.",
        "{claim}, en teoría.",
        # A question in another mark, or closed by a quote or a bracket.
        "{claim}\u2753",
        "{claim}\u203d",
        "{claim}\u037e",
        "{claim}\u061f",
        '"{claim}?" I asked.',
        "({claim}?)",
        # A short question right after it.
        "{claim}. Right?",
        "{claim}. ¿No?",
        # A denial in full-width letters.
        "{claim}. \uff2e\uff2f\uff34.",
    ],
)
def test_a_quote_taken_back_by_a_hedge_or_a_question_in_other_forms_is_refused(line: str) -> None:
    claim = CLAIMS[0]
    index = _said(line.format(claim=claim))
    problem = check(Evidence(seq=21, quote=claim), index)
    assert isinstance(problem, str) and "change what was said" in problem, line
