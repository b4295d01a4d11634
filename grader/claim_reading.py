"""Test results in any words (`result_problems`): a clause of a scorecard's free text that names tests and says how
they went is read for what it claims of their (passed, total), and checked against the facts and the runs shown
(grader/claim_tallies.py), with the words grader/claim_words.py knows. grader/claims.py checks the phrasings of counts
it knows first, then this.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from grader.claim_tallies import (
    CODE_SUBJECT,
    CONTRAST,
    FINAL,
    RAN_ONES,
    SHOWN_COUNT,
    SUBMITTED,
    Tallies,
    final_counts,
    held_counts,
    last_submission_whole,
    number_value,
    submissions_whole,
    tests_named,
)
from grader.claim_words import (
    A_RUN,
    ALL_WORD,
    ALONE_QUANTITY,
    ANY_WORD,
    AT_LEAST,
    AUTHORED,
    BACK_REFERENCE,
    BARE_NUMBER,
    DESCRIBES,
    EXCEPT_WORD,
    FAIL_WORD,
    FRACTION,
    HYPOTHESIS,
    NEGATION,
    NONE_WORD,
    OTHER_COUNTED,
    PASS_WORD,
    PERCENT,
    PIECES,
    QUANTITY,
    RAN,
    SOME_WORD,
    TEST_REF,
    TESTS_ONLY,
    USED,
    VERDICT_ALONE,
    WHETHER,
    WITHOUT_EXCEPTION,
    goes_on,
    named_kinds,
    prepared_sentence,
    summary,
)
from grader.evidence import RUN_TYPES, CitationIndex
from grader.schemas import Facts

# How a reading holds for (passed, total): its words for the problem and its test.
Reading = tuple[str, Callable[[int, int], bool]]


# A number said as a time, not a count of tests: "every visible test passed at 130 s", "after 3 minutes".
_TIME_AFTER = re.compile(
    r"[\s-]*(?:s|secs?|seconds?|ms|mins?|minutes?|h|hrs?|hours?|segundos?|minutos?|horas?)\b", re.IGNORECASE
)


def _count(piece: str) -> re.Match[str] | None:
    """The first number in `piece` that may count tests: not one said as a time."""
    return next((m for m in BARE_NUMBER.finditer(piece) if not _TIME_AFTER.match(piece, m.end())), None)


def _read(piece: str, sign: int, negated: bool, plural: bool) -> Reading | None:
    """What `piece` claims of its tests' (passed, total), given its polarity word's sign (+1 passing, -1 failing)
    and whether a negation comes before it; None: it cannot be read."""
    if m := PERCENT.search(piece):
        n = number_value(m.group(1))
        if negated:
            return None
        if sign > 0:
            return f"{n}% passed", lambda p, t: t > 0 and round(100 * p / t) == n
        return f"{n}% failed", lambda p, t: t > 0 and round(100 * (t - p) / t) == n
    if m := FRACTION.search(piece):
        n, of = number_value(m.group(1)), number_value(m.group(2))
        if negated:
            return None
        if sign > 0:
            return f"{n}/{of} passed", lambda p, t: (p, t) == (n, of)
        return f"{n} of {of} failed", lambda p, t: (t - p, t) == (n, of)
    if m := AT_LEAST.search(piece):
        n = 1 if m.group(1).lower().startswith("un") else number_value(m.group(1))
        if sign > 0:
            return f"at least {n} passed", lambda p, t: p >= n
        return f"at least {n} failed", lambda p, t: t - p >= n
    if NONE_WORD.search(piece) or (negated and ANY_WORD.search(piece)):
        if sign > 0:
            return "none passed", lambda p, t: p == 0
        return "none failed", lambda p, t: p == t > 0
    if (m := _count(piece)) and not negated:
        n = number_value(m.group(1))
        if sign > 0:
            return f"{n} passed", lambda p, t: p == n
        return f"{n} failed", lambda p, t: t - p == n
    if EXCEPT_WORD.search(piece):
        return "some but not all passed", lambda p, t: 0 < p < t
    if SOME_WORD.search(piece):
        if negated:
            return None
        if sign > 0:
            return "some passed", lambda p, t: p > 0
        return "some failed", lambda p, t: p < t
    if ALL_WORD.search(piece) or WITHOUT_EXCEPTION.search(piece):
        if sign > 0:
            return (
                ("not all passed", lambda p, t: p < t or t == 0)
                if negated
                else ("all passed", lambda p, t: p == t > 0)
            )
        return ("not all failed", lambda p, t: p > 0) if negated else ("all failed", lambda p, t: p == 0 < t)
    if sign > 0 and not negated:
        return ("all passed", lambda p, t: p == t > 0) if plural else ("one passed", lambda p, t: p > 0)
    if sign > 0:
        return "not all passed", lambda p, t: p < t or t == 0
    if not negated:
        return "some failed", lambda p, t: p < t
    return ("none failed", lambda p, t: p == t > 0) if plural else ("one passed", lambda p, t: p > 0)


# A piece that only denies what the piece before said, of other tests: "..., but not the hidden tests", "the hidden
# test did not", "la oculta no" (its negation first or last, with no word of passing or failing of its own).
DENIED_ALONE = re.compile(
    r"\A\W*(?:not|never|nor)\b|(?:\b(?:not|never|nor)|n't)(?:\s+(?:either|at\s+all|yet|though|this\s+time"
    r"|in\s+the\s+end|al\s+final|tampoco))*\W*\Z",
    re.I,
)


KIND_ONES = re.compile(r"\b(?:visible|hidden)\s+ones\b", re.I)


class _Segment:
    """A clause's piece that names tests (or goes on about the ones before it), with what it says of them;
    `said_as`: what its words say, where an exception reads them from another piece (`_excepted`);
    `whole`: the piece it was cut from, read for its time and its subject."""

    def __init__(self, text: str, kinds: set[str | None], plural: bool, carried: bool = False) -> None:
        self.text, self.kinds, self.plural, self.carried = text, kinds, plural, carried
        self.said_as: list[tuple[int, bool]] | None = None
        self.whole = text

    def polarity(self) -> list[tuple[int, int]]:
        """(position, sign) of its words of passing (+1) and failing (-1), in order."""
        found = [(m.start(), 1) for m in PASS_WORD.finditer(self.text)]
        found += [(m.start(), -1) for m in FAIL_WORD.finditer(self.text)]
        return sorted(found)


def _said(text: str, words: list[tuple[int, int]]) -> list[tuple[int, bool]]:
    """Each word of passing or failing in `text` (`words`), with whether a negation comes before it (after the
    word before), except a word after "whether" ("whether the solution is correct on the hidden inputs is
    unknown": no result)."""
    said, at = [], 0
    asked = WHETHER.search(text)
    for position, sign in words:
        if asked is not None and asked.end() <= position:
            continue
        said.append((sign, NEGATION.search(text, at, position) is not None))
        at = position + 1
    return said


def _plural(text: str) -> bool:
    """`text` names its tests in the plural ("the hidden tests", "the hidden ones", "both_kinds")."""
    words = [r.group(0).lower() for r in TEST_REF.finditer(text)]
    plural = any(re.search(r"(?:s|suites?|judge)$", w) for w in words) or "both_kinds" in words
    return plural or KIND_ONES.search(text) is not None


def _turned(said: list[tuple[int, bool]]) -> list[tuple[int, bool]]:
    return [(-sign, negated) for sign, negated in said]


def _excepted(segments: list[_Segment]) -> list[_Segment]:
    """`segments` with each exception of tests read for the tests it names. "Every test passed except the hidden
    one" says the visible tests passed and the hidden one did not; "all visible tests passed except one" says one
    visible test failed; "all tests except the hidden one passed" says the same as the first. The excepted tests are
    read with the words said of the tests they are excepted from, turned (passed is failed), unless they have words
    of their own ("... except the hidden one, which timed out"); a kind named alone leaves the other kind as the rest,
    read with the words as said; a count of the same tests leaves none but the excepted ones to read. An exception
    that names no tests and no count ("except the duplicates case") keeps its reading (some but not all passed)."""
    out: list[_Segment] = []
    for segment in segments:
        m = EXCEPT_WORD.search(segment.text)
        if m is None or segment.carried or segment.said_as is not None:
            out.append(segment)
            continue
        head, tail = segment.text[: m.start()], segment.text[m.end() :]
        named = named_kinds(tail) - {None}
        counted = any(_of_tests(tail, n) for n in BARE_NUMBER.finditer(tail))
        if head.strip():  # "It passed everything except ...": tests of no kind, all of them
            base, cut = (
                _Segment(head, named_kinds(head) or {None}, _plural(head) or not named_kinds(head)),
                False,
            )
        elif out:
            base, cut = out[-1], True  # "All tests passed, except the hidden one."
        else:
            out.append(segment)
            continue
        part = _Segment(tail, named or base.kinds, _plural(tail))
        part.whole = segment.whole
        verb, own = _said(base.text, base.polarity()), _said(tail, part.polarity())
        # With no verb before it, the tail's is the verb: "all tests except the hidden one passed", "all except one
        # of the hidden tests passed".
        before = bool(named_kinds(head)) or (counted and ALL_WORD.search(head) is not None)
        if not (named or counted) or not (verb or (own and before and not cut)):
            out.append(segment)
            continue
        if not verb:
            base.said_as, part.said_as = own, _turned(own)
        elif not own:
            part.said_as = _turned(verb)
        if named and not named & base.kinds and (named_kinds(base.text) or not counted):
            # the rest are the other kind: "every test ... except the hidden one"
            both: set[str | None] = {"visible", "hidden"}
            base.kinds = (base.kinds - {None}) or both - named
            if not cut:
                out.append(base)
        elif cut:
            out.pop()  # "all visible tests passed, except one visible test": only the excepted are read
        out.append(part)
    return out


def _segments(sentence: str, carried: set[str | None] | None = None) -> list[_Segment]:
    """The pieces of `sentence` that say how tests went, each with the kinds it names (None: tests of no kind);
    `carried`: the kinds the sentence before named, for a sentence that names none and goes on about them."""
    segments: list[_Segment] = []
    pending = ""
    for piece in PIECES.split(sentence):
        if not piece or not piece.strip():
            continue
        refs = list(TEST_REF.finditer(piece))
        says = bool(PASS_WORD.search(piece) or FAIL_WORD.search(piece))
        counts = any(p.search(piece) for p in (NONE_WORD, ALL_WORD, SOME_WORD, QUANTITY))
        if refs and pending and not says and TESTS_ONLY.fullmatch(piece):
            piece = f"{pending} {piece}"  # "It passed, hidden tests included."
        if refs:
            kinds: set[str | None] = set()
            for ref in refs:
                kind = (ref.group(1) or ref.group(2) or "").lower()
                kinds |= {"visible", "hidden"} if kind == "both_kinds" else {kind or None}
            if len(kinds) > 1:
                kinds.discard(None)  # "the hidden test cases": the kind names them
            segments.append(_Segment(piece, kinds, _plural(piece)))
        elif segments and (says or counts):
            last = segments[-1]
            if last.polarity() and says:
                segments.append(_Segment(piece, last.kinds, last.plural))  # "... and passed in the end"
            else:
                last.text += f" {piece}"  # "the hidden tests, all twelve, passed"
        elif (
            carried
            and (goes_on(piece) or VERDICT_ALONE.fullmatch(piece))
            and not (A_RUN.search(piece) and not BACK_REFERENCE.search(piece))
        ):
            segments.append(
                _Segment(piece, set(carried), True, carried=True)
            )  # "The hidden tests? All passed."
        elif not segments and says:
            pending = piece
    return _excepted(segments)


def _runs_whole(index: CitationIndex) -> set[tuple[int, int]]:
    """Each run's (passed, total) of every test it ran, as shown."""
    found: set[tuple[int, int]] = set()
    for event in index.citable.values():
        if event.type in RUN_TYPES:
            counts = [
                (m.group(1), int(m.group(2)), int(m.group(3))) for m in SHOWN_COUNT.finditer(event.shown)
            ]
            whole = [(p, t) for kind, p, t in counts if kind is None]
            kinds = [(p, t) for kind, p, t in counts if kind is not None]
            found |= set(whole) or (
                {(sum(p for p, _ in kinds), sum(t for _, t in kinds))} if kinds else set()
            )
    return found


def _alone_counts(text: str) -> str:
    """A piece that goes on about the tests before it, with only the numbers said on their own ("Two failed."), not
    a count of something else ("fixed it in one edit")."""
    return BARE_NUMBER.sub(lambda m: m.group(0) if ALONE_QUANTITY.match(text, m.start()) else " ", text)


def _of_tests(text: str, m: re.Match[str]) -> bool:
    """The quantity at `m` counts tests, not something else said right after it ("one run", "three times")."""
    return OTHER_COUNTED.match(text, m.end()) is None


def _test_quantity(segment: _Segment) -> bool:
    """The segment says how many of its tests (`QUANTITY`; in a sentence that goes on, one said on its own)."""
    if DESCRIBES.search(segment.text) or USED.search(segment.text):
        return False
    if segment.carried:
        return any(_of_tests(segment.text, m) for m in ALONE_QUANTITY.finditer(segment.text))
    if segment.kinds == {None} and (
        AUTHORED.search(segment.text)
        or not named_kinds(segment.text)  # wrote three tests; did not test all inputs
    ):
        return False
    return any(_of_tests(segment.text, m) for m in QUANTITY.finditer(segment.text))


def _ran_problem(where: str, segment: _Segment, facts: Facts, tallies: Tallies) -> str | None:
    """A claim of how many tests ran ("none of the hidden tests ran", "all visible tests were run", "ran 2 visible
    tests"), checked against the facts; None: it holds."""
    text = segment.text
    records = {"visible": facts.visible_tests, "hidden": facts.hidden_tests}
    none = bool(NONE_WORD.search(text) or NEGATION.search(text))
    number = BARE_NUMBER.search(text) if not FRACTION.search(text) and not PERCENT.search(text) else None
    for kind in sorted(segment.kinds, key=str):
        ran = [records[kind]] if kind else list(records.values())
        did_run = any(r.final is not None for r in ran)
        totals = {t for _, t in (tallies[kind] if kind else set().union(*tallies.values()))}
        if none:
            claim, holds = "none ran", not did_run
        elif number is not None and _of_tests(text, number):
            n = number_value(number.group(1))
            claim, holds = f"{n} ran", n in totals
        else:
            claim, holds = "they ran", did_run
        if not holds:
            return (
                f"- {where}: {text.strip()!r}: says {claim} of the {tests_named(kind)}, which no run shown and no fact "
                f"holds ({summary(facts)}); state test results only as the facts and the runs' result lines give "
                "them"
            )
    return None


def result_problems(
    where: str, sentence: str, facts: Facts, index: CitationIndex, carried: set[str | None] | None = None
) -> list[str]:
    """Problems with what `sentence` says of how tests went, in any words (see `PASS_WORD`); `carried`: the kinds of
    tests the sentence before named, for a sentence that names none and goes on about them."""
    text = prepared_sentence(sentence)
    tallies, finals, whole = held_counts(facts, index), final_counts(facts), _runs_whole(index)
    last = [r.final for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    whole_at_end = {(sum(t.passed for t in last), sum(t.total for t in last))} if last else set()
    problems: list[str] = []
    segments = _segments(text, carried)
    previous: list[tuple[int, bool]] = []
    for segment in segments:
        words = segment.polarity()
        fraction = FRACTION.search(segment.text)
        if (
            not words
            and not previous
            and segment.said_as is None
            and fraction
            and _of_tests(segment.text, fraction)
            and not RAN.search(segment.text)
        ):
            words = [(0, 1)]  # "hidden tests: 1/1" says how many passed
        if segment.said_as is not None:
            said = previous = segment.said_as  # "except the hidden one": it did not
        elif not words:
            if previous and (
                NONE_WORD.search(segment.text)
                or ALL_WORD.search(segment.text)
                or BARE_NUMBER.search(segment.text)
                or SOME_WORD.search(segment.text)
                or DENIED_ALONE.search(segment.text)
                or TESTS_ONLY.fullmatch(segment.text)
            ):
                # "passed 1 of 2 visible tests and none of the hidden"; a negation of its own turns the words it
                # goes on with: "passed the visible tests but not the hidden one", "the hidden test did not"; the
                # tests alone are said the same ("Every test passed, hidden tests included.").
                turned = NEGATION.search(segment.text) is not None
                said = [(sign, negated != turned) for sign, negated in previous]
            elif not previous and _test_quantity(segment) and not HYPOTHESIS.search(segment.text):
                # Fail closed: how many, and no word of how they went that the reading knows.
                if RAN.search(segment.text):
                    if ran := _ran_problem(where, segment, facts, tallies):
                        problems.append(ran)
                else:
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; "
                        'state it as the facts give it ("passed N of M hidden tests"; here: '
                        f"{summary(facts)})"
                    )
                continue
            else:
                continue
        else:
            said = _said(segment.text, words)
            if not said:
                continue
            previous = said
        if HYPOTHESIS.search(segment.whole):
            continue  # "would have passed had it been submitted": no run's result
        end = FINAL.search(segment.whole) is not None and not CONTRAST.search(segment.whole)
        # "The code passed every test", "It then passed every test": the code's, every test (its subject may be in
        # the piece before, in the sentence's first words).
        first = min((p for p, _ in words), default=0)
        at = text.find(segment.text) if segment is segments[0] else -1
        subject = (segment.text[:first], text[:at] if at > 0 else "")
        code_said = any(CODE_SUBJECT.match(said) for said in subject) and not (
            A_RUN.search(segment.text) or RAN_ONES.search(segment.text)
        )
        read_as = _alone_counts(segment.text) if segment.carried else segment.text
        for sign, negated in dict.fromkeys(said):  # each reading once: a piece's time linear in its words
            reading = _read(read_as, sign, negated, segment.plural)
            if reading is None:
                problems.append(
                    f"- {where}: {segment.text.strip()!r}: a test result that cannot be checked as written; state "
                    f"it as the facts give it ({summary(facts)})"
                )
                break
            claim, holds = reading
            for kind in sorted(segment.kinds, key=str):
                if kind is None and code_said and claim in ("all passed", "none failed"):
                    held = (
                        submissions_whole(index)
                        if CONTRAST.search(segment.whole)
                        else last_submission_whole(index)
                    )
                elif kind is None and SUBMITTED.search(segment.whole) and not end:
                    held = submissions_whole(
                        index
                    )  # "La entrega pasó todas las pruebas": every test, hidden too
                elif kind is None:
                    held = whole_at_end if end else whole | tallies[None]
                    if any(c.isdigit() for c in claim):
                        held = held | set().union(*tallies.values())
                else:
                    held = finals[kind] if end else tallies[kind]
                if not any(holds(p, t) for p, t in held or {(0, 0)}):
                    at_end = " at the end" if end else ""
                    problems.append(
                        f"- {where}: {segment.text.strip()!r}: says {claim} of the {tests_named(kind)}{at_end}, which "
                        f"no run shown and no fact holds ({summary(facts)}); state test results only as the facts "
                        "and the runs' result lines give them"
                    )
                    break
    return problems
