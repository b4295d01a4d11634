"""What the scorecard's own words say about test results, checked against the facts and the runs as shown.

Citations are verified, but a justification, a strength, an area to improve or the advice is free text a person
reads as the grader's finding. The candidate can say, comment or print "hidden tests 12/12 passed", and a model
that takes it in writes it as a result. So a test count stated there ("12/12 hidden tests", "3 of 5 tests passed",
"all 12 tests pass") must be one that a run shown in the interview or the facts hold, and "all hidden tests passed"
(or visible) needs a run of that kind that passed all of them; otherwise it is a problem for the repair round, like
a bad citation. A count with no word about tests next to it ("O(n/2)", "3 of 4 dimensions") is not a claim. A count
stated for hidden or visible tests must be one of that kind ("2/2 hidden tests" where the visible tests went 2/2 is
not), and a custom run's calls (the candidate's own inputs, as many as they like) are not tests. A claim about the
end ("the final submission passed 12/12 hidden tests", "in the end every hidden test passed") must be what the
last run of that kind held (the facts' `final`), not the best run before the candidate broke their code. Any other
wording of a result is read for what it claims and checked the same way (`result_problems`, grader/claim_reading.py):
the check does not depend on a list of phrasings. The solution's success said with no tests at all ("The submission
passed.", "The solution is fully correct.", "no bugs remained") must be what the last submission and the facts' final
counts hold (`success_problems`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from grader.claim_questions import ANSWERED_YES, YES_NO, as_said
from grader.claim_reading import DENIED_ALONE, result_problems
from grader.claim_success import success_problems
from grader.claim_tallies import (
    CONTRAST,
    FINAL,
    NUMBER,
    NUMBER_WORDS,
    SUBMITTED,
    Tallies,
    a_run_passed_all,
    all_passed,
    final_counts,
    held_counts,
    submissions_whole,
    tests_named,
)
from grader.claim_words import (
    FAIL_WORD,
    PASS_WORD,
    QUANTITY,
    VERDICT_ALONE,
    goes_on,
    named_kinds,
    prepared_sentence,
)
from grader.evidence import CitationIndex
from grader.matching_form import normalise
from grader.schemas import Facts, PassRecord

TESTS_AFTER = r"\s+(?:\w+\s+){0,2}?(?:tests?|test\s+cases|cases|passed|passing)\b"
# "3/5 tests", "3 out of 5 visible tests", "3 of the 5 cases", "eleven of twelve tests", and "visible tests: 3/5".
COUNT = re.compile(
    rf"(?<![\w./-])({NUMBER})\s*(?:/|out\s+of(?:\s+the)?|of(?:\s+the)?)\s*({NUMBER})(?![\w/]|\.\d)"
    rf"(?={TESTS_AFTER})"
    r"|\b(?:tests?|cases)\s*(?:passed\s*)?[:=]?\s*(\d+)\s*(?:/|out\s+of|of)\s*(\d+)(?![\w/]|\.\d)",
    re.IGNORECASE,
)
ALL_COUNT = re.compile(
    rf"\ball\s+({NUMBER})\s+(?:(?:visible|hidden|the)\s+)*(?:tests?|cases)\b", re.IGNORECASE
)
# "All (the) hidden tests passed" in the orders a sentence can take ("passed all of the hidden tests", "every hidden
# test passed", "all twelve hidden tests pass", "the hidden tests all passed", "100% of the hidden tests"), not after
# a negation ("not all ...", "did not pass all ...", "failed to pass every ...", "never passed every ...").
_NOT = r"(?<!\bnot\s)(?<!n't\s)(?<!\bnever\s)(?<!\bto\s)"
_TESTS = r"(visible|hidden)\s+(?:tests?|test\s+cases|cases)"
_PASSED = r"(?:pass|passes|passed|passing)"
# Said with no count or quantifier, "the hidden tests passed", "passed the hidden tests" and "no hidden test failed"
# say every one passed, as "all" does (not after "of": "two of the hidden tests passed"; not with an exception after
# it: "the visible tests passed except the empty case").
_HAVE = r"(?:(?:have|had|were|was|all|now|also|then)\s+)?"
# A claim of all that excepts some ("every test passed except the hidden one", "all hidden tests passed but one") is
# no claim that all passed: grader/claim_reading.py reads the excepted ones against their own results.
_EXCEPT = (
    r"(?!,?\s+(?:except|apart|other\s+than|save|barring|aside\s+from|but\s+(?:for\s+)?(?:one|two|three|a\s+few"
    r"|the\s+(?:visible|hidden)\b)|excepto|salvo|menos)\b)"
)
_KIND = r"(visible|hidden)\s+"
# In the plural: "passed the visible test for the empty input" is one test.
_BARE_PASS = (
    rf"(?<!\bof\s)(?<!\ball\s)\bthe\s+{{kind}}(?:tests|test\s+cases|cases)\s+{_HAVE}(?:{_PASSED}|green)\b{_EXCEPT}"
    rf"|{_NOT}\b{_PASSED}\s+the\s+{{kind}}(?:tests|test\s+cases|cases)\b{_EXCEPT}"
    rf"|{_NOT}\b(?:no|zero|none\s+of\s+the|not\s+(?:a\s+single|one)(?:\s+of\s+the)?)\s+{{kind}}"
    rf"(?:tests?|test\s+cases?|cases?)\s+(?:(?:have|had|has|were|was|ever)\s+)?fail(?:s|ed)?\b"
)
ALL_KIND = re.compile(
    rf"{_NOT}\b(?:all|every)(?:\s+(?:of\s+)?the)?(?:\s+[\w-]+)?\s+{_TESTS}\s+"
    rf"(?:(?:have|had|were|was|all|now)\s+)?(?:{_PASSED}|green)\b{_EXCEPT}"
    rf"|{_NOT}\b{_PASSED}\s+(?:all|every|each)(?:\s+(?:one\s+)?of)?(?:\s+the)?(?:\s+\d+)?\s+{_TESTS}\b{_EXCEPT}"
    rf"|\bthe\s+{_TESTS}\s+(?:all|each)\s+{_PASSED}\b{_EXCEPT}"
    rf"|{_NOT}\b100\s*%\s+of\s+(?:the\s+)?{_TESTS}\b"
    rf"|{_BARE_PASS.format(kind=_KIND)}",
    re.IGNORECASE,
)
# A run's counts as grader/bundle.py shows them: "3/5 tests passed" (all its tests), "visible tests 3/5 passed",
# "hidden tests 1/1 passed". A custom run's "5 of 5 calls returned a value" is not a count of tests: its calls are
# the candidate's own inputs, as many as they like.
# "All tests passed" with no kind named ("passed all tests", "every test passed", "all the tests pass"): it needs a
# run that passed every test it ran.
_ANY_TESTS = r"(?:tests?|test\s+cases|cases)"
ALL_ANY = re.compile(
    rf"{_NOT}\b(?:all|every)(?:\s+(?:of\s+)?the)?\s+{_ANY_TESTS}\s+(?:(?:have|had|were|was|all|now)\s+)?"
    rf"(?:{_PASSED}|green)\b{_EXCEPT}"
    rf"|{_NOT}\b{_PASSED}\s+(?:all|every|each)(?:\s+(?:one\s+)?of)?(?:\s+the)?(?:\s+\d+)?\s+{_ANY_TESTS}\b{_EXCEPT}"
    rf"|{_BARE_PASS.format(kind='')}",
    re.IGNORECASE,
)
# A count of passed tests with no total ("passed 12 hidden tests", "one hidden test passed"): it must be what a run
# or a fact passed of that kind (not after "of (the)", "all", "least", "than": "two of the twelve tests", "all 12
# tests").
_COUNTED = rf"(?:(visible|hidden)\s+)?{_ANY_TESTS}"
PASSED_COUNT = re.compile(
    rf"(?<![\w./-])(?<!\bof\s)(?<!\bof\sthe\s)(?<!\ball\s)(?<!\bleast\s)(?<!\bthan\s)({NUMBER})\s+{_COUNTED}\s+{_HAVE}"
    rf"{_PASSED}\b"
    rf"|{_NOT}\b{_PASSED}\s+(?:only\s+|just\s+)?({NUMBER})\s+{_COUNTED}\b",
    re.IGNORECASE,
)
# Other words for the hidden tests ("private", "unseen", "held-out", "secret") and for all of them ("the full test
# suite"), read as the words the rules above know.
SYNONYMS = (
    (
        re.compile(r"\b(?:the\s+)?(?:full|whole|entire|complete)\s+(?:hidden\s+)?test\s+suite\b", re.I),
        "all the hidden tests",
    ),
    (
        re.compile(
            r"\b(?:private|unseen|held[\s-]out|secret)(?=\s+(?:tests?|test\s+cases?|cases?|suites?|checks?|inputs?)\b)",
            re.I,
        ),
        "hidden",
    ),
    (re.compile(r"\btest\s+suite\b", re.I), "tests"),
)
# Markdown a report can render, read as the words it shows: emphasis and code marks inside a word ("pa**ss**ed",
# "cor*rect*", "`hidden` tests") are no part of it, and struck-out text ("did ~~not~~ pass") is read past, as a reader
# of the rendered text does; a check mark says passed, a cross failed.
STRUCK = re.compile(r"~~[^~]*~~|<(s|del|strike)>[^<]*</\1>", re.IGNORECASE)
MARKS = re.compile(r"[*`~]+")
# Emphasis with underscores ("_correct_", "__fully correct__"), at a word's edge only: "two_sum" keeps its own.
UNDERSCORES = re.compile(r"(?<![^\W_])_+|_+(?![^\W_])")
SYMBOLS = str.maketrans(
    dict.fromkeys("\u2713\u2714\u2705\u2611\U0001f197", " passed ")
    | dict.fromkeys("\u2717\u2718\u274c\u274e\u2612", " failed ")
)
# Slashes that read as "/" in a count: the fraction slash U+2044, the division slash U+2215, the full-width U+FF0F.
SLASHES = str.maketrans("\u2044\u2215\uff0f", "///")
# The kind of tests a count is stated for: "3/5 hidden tests", "3 of the 5 visible test cases" (a word after the
# count, before the word "tests"), "hidden tests: 3/5" (before).
KIND_AFTER = re.compile(r"\s+(?:(?!(?:tests?|cases|passed|passing)\b)\w+\s+){0,2}?(visible|hidden)\b", re.I)
KIND_BEFORE = re.compile(r"\b(visible|hidden)\s+\Z", re.IGNORECASE)
KIND_IN = re.compile(r"\b(visible|hidden)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")
# A bare "no" answering a yes-or-no question ("No — it failed the only one.", "No: one failed."): no quantity.
ANSWER_MARKS = re.compile(r"\A[\s\u2014\u2013,:;-]+")
BARE_NO = re.compile(r"\W*(?:no|nope)\b\W*(?=[\u2014\u2013,:;.!-]|\Z)\W*", re.IGNORECASE)
CLAUSE_END = re.compile(r"[.!?;,](?:\s|$)")
# After a ";" or a ".", a sentence that names tests and only denies (`DENIED_ALONE`: "the hidden one was not", "the
# hidden test did not", "la oculta no", "Not the hidden one.") goes on with the verb before it, read as one with it:
# "The visible tests were all green; the hidden one was not." is "..., but the hidden one was not".


def _denied_alone(prepared: str, before: str) -> bool:
    """`prepared` (a sentence, read out) names tests and only denies, after `before` (the sentence before it, as
    written), which says how tests went and ends with a ";" or a "."."""
    said = before.rstrip()
    if not said.endswith((";", ".")) or not named_kinds(prepared) or not DENIED_ALONE.search(prepared):
        return False
    if PASS_WORD.search(prepared) or FAIL_WORD.search(prepared):
        return False
    earlier = prepared_sentence(said)
    return bool(PASS_WORD.search(earlier) or FAIL_WORD.search(earlier))


# A sentence that opens with a label of the outcome is said of the end, as the label's subject: "Final verdict: rock
# solid.", "Verdict: correct.", "Result: all tests passed.", "Veredicto: impecable." read as "In the end, ...".
LABEL = re.compile(
    r"(?:^|(?<=[.!?;]\s))(?:(?:the\s+)?(?:final|overall)\s+)?(?:verdict|result|outcome|bottom\s+line|conclusion"
    r"|veredicto|resultado|conclusion)(?:\s+final)?\s*[:\u2014\u2013]\s+",
    re.IGNORECASE,
)
# A bare "no" answering whether a test failed ("Did any test fail? No.", "Were there failing hidden tests? No.",
# "Did the submission fail anything? No, nothing.", "¿Falló alguna prueba? No.") says none failed; one answering
# whether the code passed them ("Did it pass every hidden test? No.") says it did not. Only a question that asks that
# and nothing more (read after `prepared_sentence`): "Did any test fail on the first run? No." is about that run.
_QK = r"(?:\s+(?:visible|hidden))?"
_QT = rf"{_QK}\s+(?:tests?|test\s+cases?|cases?|pruebas?|casos?){_QK}"
_QCODE = (
    r"(?:it|they|(?:the|their)\s+(?:final\s+)?(?:code|solution|submission|implementation|program|function)"
    r"|(?:la|el|su)\s+(?:entrega|codigo|solucion|envio|implementacion))"
)
_QSTART = r"\W*(?:(?:so|and|but|then|y|pero)\W+)?¿?\s*"
_QEND = (
    r"(?:\s+(?:in\s+the\s+end|at\s+the\s+end|at\s+all|ever|al\s+final|on\s+(?:the\s+)?(?:final\s+)?submission"
    r"|en\s+la\s+entrega(?:\s+final)?))?\s*\?\s*\Z"
)
ASKED_FAILED = re.compile(
    rf"{_QSTART}(?:(?:did|does|do|has|have|had)\s+(?:any|a|one|a\s+single)(?:\s+(?:of\s+)?the)?{_QT}\s+(?:ever\s+)?"
    rf"fail(?:ed)?|(?:were|was|are|is)\s+there\s+(?:any\s+)?(?:(?:failing|failed){_QT}"
    r"|(?:(?:visible|hidden)\s+)?(?:tests?\s+)?failures?)"
    rf"|(?:were|was|are|is)\s+any(?:\s+(?:of\s+)?the)?{_QT}\s+(?:failing|failed)"
    rf"|(?:did|does|has)\s+{_QCODE}\s+fail\s+(?:anything|(?:any|a|a\s+single)(?:\s+(?:of\s+)?the)?{_QT})"
    rf"|(?:{_QCODE}\s+)?(?:fallo|fallaron|ha\s+fallado|han\s+fallado)\s+(?:algo|(?:alguna|algun|algunas|algunos)"
    rf"(?:\s+de\s+(?:las|los))?{_QT})|(?:hubo|hay|quedo|quedaron)\s+(?:algunas?\s+|algunos?\s+)?(?:pruebas?|tests?)"
    rf"{_QK}\s+(?:fallidas?|fallidos?|que\s+fall\w+){_QK}){_QEND}",
    re.IGNORECASE,
)
ASKED_PASSED = re.compile(
    rf"{_QSTART}(?:(?:did|does|has)\s+{_QCODE}\s+pass(?:(?:\s+(?:all|every|each|both)(?:\s+(?:of\s+)?the)?|\s+the)?"
    rf"{_QT})?|(?:did|do|have|had|were)\s+(?:all|every|both|the)(?:\s+(?:of\s+)?the)?{_QT}\s+pass(?:ed|ing)?"
    rf"|(?:{_QCODE}\s+)?(?:paso|pasaron|supero|superaron|aprobo|ha\s+pasado)(?:\s+(?:todas|todos|ambas))?"
    rf"(?:\s+(?:las|los|la|el))?{_QT}){_QEND}",
    re.IGNORECASE,
)
# The "no" and what may follow it without a word of its own: "No.", "Nope, nothing.", "No, not one.", "It did not."
ANSWERED_NO = re.compile(
    r"\W*(?:no|nope|(?:it|they)\s+(?:did|does|was|were)(?:\s+not|n't))\b\W*(?:(?:none|nothing|not\s+one"
    r"|not\s+a\s+single\s+one|not\s+at\s+all|zero|nada|ninguna|ninguno|para\s+nada)"
    r"(?:\s+(?:of\s+them|at\s+all))?\W*)?\Z",
    re.IGNORECASE,
)


def _held(tallies: Tallies, kind: str | None, count: tuple[int, int]) -> bool:
    """A count stated for `kind` of tests (None: not said) is one of that kind's; unsaid, of any kind."""
    if kind is not None:
        return count in tallies[kind]
    return any(count in held for held in tallies.values())


def _kind_of(text: str, m: re.Match[str]) -> str | None:
    if m.group(1):  # the count first: "3/5 hidden tests"
        after = KIND_AFTER.match(text, m.end())
        return after.group(1).lower() if after else None
    before = KIND_BEFORE.search(text, 0, m.start())  # "hidden tests: 3/5"
    return before.group(1).lower() if before else None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def _of_the_end(text: str, m: re.Match[str]) -> bool:
    """The claim at `m` is about the end of the interview (`FINAL`)."""
    sentence = max((e.end() for e in SENTENCE_END.finditer(text, 0, m.start())), default=0)
    before = list(FINAL.finditer(text, sentence, m.start()))
    if before and not CONTRAST.search(text, before[-1].end(), m.start()):
        return True
    clause = CLAUSE_END.search(text, m.end())
    return FINAL.search(text, m.end(), clause.start() if clause else len(text)) is not None


def _final_passed(record: PassRecord) -> bool:
    return record.final is not None and record.final.total > 0 and record.final.passed == record.final.total


def readable(text: str) -> str:
    """The scorecard's words as a person reads them, for the checks: invisible format characters (a zero-width space,
    a word joiner, a soft hyphen) gone, full-width and other compatibility letters and digits as ASCII, Cyrillic or
    Greek look-alikes inside a Latin word as the Latin letters, a fraction's slash as `/` (grader/matching_form.py),
    markdown as it renders (`MARKS`, `UNDERSCORES`, `STRUCK`), a check mark as "passed", every run of spaces as one.
    A candidate can type "all my hid\u200bden tests passed" or "hidden t\u0435sts"; a model that repeats it wrote a
    claim the patterns did not read, which a report shows as the plain words."""
    text = MARKS.sub("", STRUCK.sub(" ", normalise(text).text.translate(SLASHES).translate(SYMBOLS)))
    text = UNDERSCORES.sub("", text)
    return " ".join(text.split())  # a run of spaces is one: the clauses' patterns read it in linear time


def _answer(question: str, answer: str, yes: bool) -> str:
    """`answer`, the sentence after the yes-or-no `question`: a yes with a quantity and no word of how the tests went
    is read with the question's word of passing or failing ("Did it pass the hidden tests? Yes — every test." is
    "passed every test", "Did any test fail? Yes, one." is "failed one"), not as a quantity that cannot be read;
    `yes`: the question is answered yes (`as_said`). A bare "no" is no quantity ("No — it failed the only one."),
    and one with a quantity says it of the question's word ("Did any test fail? No — none." is "none failed")."""
    if not question.rstrip().endswith("?") or not YES_NO.match(question):
        return answer
    words = sorted([*PASS_WORD.finditer(question), *FAIL_WORD.finditer(question)], key=lambda m: m.start())
    word = "failed" if words and FAIL_WORD.fullmatch(words[0].group(0)) else "passed"
    if no := BARE_NO.match(answer):  # "Did any test fail? No — none." is "none failed"
        left = answer[no.end() :]
        if not words or not QUANTITY.search(left) or PASS_WORD.search(left) or FAIL_WORD.search(left):
            return f" {left}"
        return f" {left.rstrip().rstrip('.!')} {word}."
    said = ANSWERED_YES.match(answer) if yes else None
    after = answer[said.end() :] if said else ""
    if (
        said is None
        or not words
        or not QUANTITY.search(after)
        or PASS_WORD.search(after)
        or FAIL_WORD.search(after)
    ):
        return answer  # "Yes.", "Yes, but it is too slow.": the question says it
    return f"{answer[: said.start()]} {word} {ANSWER_MARKS.sub('', after, count=1)}"


def _answered_no(question: str, answer: str) -> str | None:
    """What a bare "no" (`ANSWERED_NO`) answering `question` says, as a statement the checks read; None: `answer` is
    no such "no", or `question` asks more than whether a test failed (`ASKED_FAILED`) or passed (`ASKED_PASSED`)."""
    if not ANSWERED_NO.match(answer):
        return None
    asked = prepared_sentence(question)
    kinds = {m.group(1).lower() for m in KIND_IN.finditer(asked)}
    kind = f"{kinds.pop()} " if len(kinds) == 1 else ""
    end = "In the end, " if FINAL.search(asked) else ""
    if ASKED_FAILED.match(asked):  # "Did any test fail? No.": none failed
        return f"{end}no {kind}test failed." if kind else f"{end}nothing failed."
    if not ASKED_PASSED.match(asked):
        return None
    # "Did it pass every hidden test? No.": it did not, said of the end, as the question asks of the code's result
    return (
        f"it did not pass the {kind}tests in the end." if kind else "In the end, the submission did not pass."
    )


def claim_problems(texts: Iterable[tuple[str, str]], facts: Facts, index: CitationIndex) -> list[str]:
    """Problems with the test results stated in `texts` (`(where, text)`), one line each for the repair round."""
    tallies, finals = held_counts(facts, index), final_counts(facts)
    full = {"visible": all_passed(facts.visible_tests), "hidden": all_passed(facts.hidden_tests)}
    full_at_end = {"visible": _final_passed(facts.visible_tests), "hidden": _final_passed(facts.hidden_tests)}
    ran = [r for r in (facts.visible_tests, facts.hidden_tests) if r.final is not None]
    problems: list[str] = []
    end = "; the facts' final counts say how the last run went"
    passed_of = {kind: {p for p, _ in held} for kind, held in tallies.items()}
    passed_at_end = {kind: {p for p, _ in held} for kind, held in finals.items()}
    for where, text in texts:
        text = readable(text)
        for pattern, words in SYNONYMS:
            text = pattern.sub(words, text)
        text = LABEL.sub("In the end ", text)
        found: list[tuple[int, str]] = []
        for m in PASSED_COUNT.finditer(text):
            n, stated = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            kind = stated.lower() if stated else None
            held = passed_of[kind] if kind else set().union(*passed_of.values())
            if _number(n) not in held:
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has {n} {tests_named(kind)} passed; "
                        "state test results only as the facts and the runs' result lines give them",
                    )
                )
            elif _of_the_end(text, m) and _number(n) not in (
                passed_at_end[kind] if kind else set().union(*passed_at_end.values())
            ):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {tests_named(kind)}' count{end}")
                )
        for m in COUNT.finditer(text):
            a, b = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            kind = _kind_of(text, m)
            if not _held(tallies, kind, (_number(a), _number(b))):
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has {a}/{b} {tests_named(kind)}; state "
                        "test results only as the facts and the runs' result lines give them",
                    )
                )
            elif _of_the_end(text, m) and not _held(finals, kind, (_number(a), _number(b))):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {tests_named(kind)}' count{end}")
                )
        for m in ALL_COUNT.finditer(text):
            stated = KIND_IN.search(m.group(0))
            kind = stated.group(1).lower() if stated else None
            n = _number(m.group(1))
            if not _held(tallies, kind, (n, n)):
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: no run shown and no fact has all {m.group(1)} "
                        f"{tests_named(kind)} passing",
                    )
                )
            elif _of_the_end(text, m) and not _held(finals, kind, (n, n)):
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: not the final {tests_named(kind)}' count{end}")
                )
        for m in ALL_KIND.finditer(text):
            kind = next(g for g in m.groups() if g).lower()
            if not full[kind]:
                found.append(
                    (m.start(), f"- {where}: {m.group(0)!r}: no run passed every {kind} test (see the facts)")
                )
            elif _of_the_end(text, m) and not full_at_end[kind]:
                found.append(
                    (
                        m.start(),
                        f"- {where}: {m.group(0)!r}: the last run did not pass every {kind} test{end}",
                    )
                )
        claim = ALL_ANY.search(text)
        clause = (
            max((e.end() for e in CLAUSE_END.finditer(text, 0, claim.start())), default=0) if claim else 0
        )
        if (
            claim
            and SUBMITTED.search(text, clause, claim.start())
            and not any(p == t > 0 for p, t in submissions_whole(index))
        ):  # "The submission passed all tests": its tests are every test, not a run's visible ones
            found.append(
                (
                    claim.start(),
                    f"- {where}: {text[clause : claim.end()].strip()!r}: no submission passed every test it ran "
                    f"(see the runs){end}",
                )
            )
        elif claim and not a_run_passed_all(index):
            found.append(
                (
                    claim.start(),
                    f"- {where}: {claim.group(0)!r}: no run passed every test it ran (see the runs)",
                )
            )
        elif claim and _of_the_end(text, claim) and not (ran and all(_final_passed(r) for r in ran)):
            found.append(
                (claim.start(), f"- {where}: {claim.group(0)!r}: the last runs did not pass every test{end}")
            )
        # A yes-or-no question says nothing unless the next sentence answers it yes ("Did it pass all hidden tests?
        # No."): what the patterns above found in one is no claim; one answered yes is read as what it says.
        stops = [*(e.end() for e in SENTENCE_END.finditer(text)), len(text)]
        said = [
            as_said(
                text[stops[i - 1] if i else 0 : stop], text[stop : stops[i + 1]] if i + 1 < len(stops) else ""
            )
            for i, stop in enumerate(stops)
        ]
        found = [(at, p) for at, p in found if said[min(bisect_right(stops, at), len(stops) - 1)] is not None]
        problems += [problem for _, problem in found]
        # Every other wording, sentence by sentence: a sentence the patterns above found a problem in is reported
        # once, as they quote it. A sentence that names no tests and goes on about the ones named before it (up to
        # two sentences on) is read for those: "The hidden tests? All passed."
        start, carried, left, question = 0, None, 0, ""
        before: list[str] = []  # the problems the sentence before was reported with
        for i, stop in enumerate(stops):
            sentence = text[start:stop]
            prepared = prepared_sentence(sentence)
            carry: set[str | None] | None = None
            if named := named_kinds(prepared):
                carried, left = named, 2
            elif (
                carried
                and left
                and (
                    goes_on(prepared)
                    or (question.rstrip().endswith("?") and VERDICT_ALONE.fullmatch(prepared))
                )
            ):  # "The visible tests? Flawless."
                carry, left = carried, left - 1
            elif sentence.strip():
                carried, left = None, 0
            stated = said[i]
            yes = i > 0 and said[i - 1] is not None
            answering = stated is not None and bool(question) and _answer(question, stated, yes) != stated
            if answering and stated is not None:
                stated = _answer(question, stated, yes)  # "Did it pass the hidden tests? Yes — every test."
            denied = _answered_no(question, sentence) if question and not yes else None
            joined = stated == sentence and _denied_alone(prepared, question)
            if joined:  # "...; the hidden one was not." is read with the verb before it
                stated = f"{question.rstrip()[:-1]}, but {sentence.strip()}"
            if denied is not None:  # "Did any test fail? No." is "nothing failed", a statement of its own
                stated, answering, carry = denied, False, None
            if stop > start and stated is not None and not any(start <= at < stop for at, _ in found):
                # The next sentence may take up what this one reports: "The candidate said it was correct. It was."
                following = text[stop : stops[i + 1]] if i + 1 < len(stops) else ""
                answered = stated != sentence  # a question answered yes, said as a statement
                rest = text[stops[i + 1] : stops[i + 2]] if answered and i + 2 < len(stops) else ""
                # Said of the tests the sentence before named, it is theirs: "The visible tests? All green."
                tests = carry is not None or (answering and bool(named_kinds(prepared_sentence(question))))
                read = result_problems(where, stated, facts, index, carry) or success_problems(
                    where, stated, facts, index, following, rest, tests=tests
                )
                if denied is not None:  # quoted as written, with how it was read
                    asked = f"{question.strip()} {sentence.strip()}"
                    read = [
                        p.replace(f"{stated.strip()!r}", f"{asked!r} (read as {stated!r})", 1) for p in read
                    ]
                # an ellipsis reads the sentence before again: its problems are reported once
                problems += [p for p in read if p not in before] if joined else read
                before = read
            else:
                before = []
            start, question = stop, sentence
    return problems
