"""Redaction takes nothing that is not the candidate's: over every question in the bank, the reference solutions
and starters (as code) and every test's arguments and expected values (as program output, in each form a program
prints them) come through unchanged for candidates whose names are also everyday words, identifiers or numbers'
neighbours. A rule that over-reaches shows here as a changed line, before a grader reads "[candidate]" where the
candidate wrote `max` or printed a list."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from api.db.bundle_repo import redaction_terms
from grader.bundle import REDACT_WINDOW_CHARS
from grader.redact import Redactor
from judge.bank import Question, load_bank

BANK = load_bank(Path(__file__).resolve().parents[2] / "questions")

# Names whose parts are also words, keywords, builtins or common identifiers in the bank's languages, with and
# without an e-mail (whose local part is a term of its own).
CANDIDATES = [
    ("Ada Lovelace", "ada.lovelace@example.com"),
    ("Will Max Turner", "will@example.com"),
    ("An Do", "ando@example.com"),
    ("Grace Park", "gpark@example.com"),
    ("Li Wu", "li.wu@example.com"),
    ("José Núñez", "jose@example.com"),
    ("Jean-Luc Picard", None),
    ("Sam Long", "sam.long@example.com"),
    ("Rich Lee Key", "key@example.com"),
    ("Mark Case", None),
    ("Amber Low", "low@example.com"),
    ("Wei Zhang", None),
    ("Priya Raman", "priya.r@example.com"),
    # A name of one letter, and one as a first name (grader/letter_names.py): the letter is every loop's and Big-O's.
    ("O", None),
    ("J Lee", "j.lee@example.com"),
    # Names on file in another script, read as Latin words; an East Asian name read in Cyrillic, Hangul and kana.
    ("Дмитрий Петров", None),
    ("محمد الفارسي", None),
    ("김민준", None),
    ("たなか ゆき", None),
    ("Shota Hattori", "shota.h@example.com"),
    # Names on file in Han characters, read in pinyin (grader/han_names.py): syllables that are also English words,
    # keywords or identifiers (li, he, an, ma, xu, long, sun, min, tan, ping, lang, song, bin, fan, yi), a compound
    # family name, a heteronym read as a family name (单 Shan, not Dan), and a name spaced as family and given name.
    ("李安", None),
    ("何马", None),
    ("许龙", "xulong@example.com"),
    ("孙敏", None),
    ("谭平", None),
    ("宋浪", None),
    ("马一", None),
    ("范彬", None),
    ("欧阳娜娜", None),
    ("单小明", None),
    ("张 伟", None),
    # Names made of the words evidence and code are written in (grader/evidence_words.py): a candidate may ask to be
    # called so, or be on file so.
    ("Wrong Answer", None),
    ("Brute Force", None),
    ("Hope Sorting", None),
    ("Null Result", None),
]


def _printed(value: object) -> set[str]:
    # As the harness encodes a value and as a program would print it, in the windows the redactor reads of a long
    # text (its head and tail). A window with an "@" is left out: "@word" in what a program prints is a handle by
    # design (test_untrusted), and the bank's random printable strings are full of them.
    forms = {json.dumps(value), json.dumps(value, separators=(",", ":")), str(value), repr(value)}
    windows = {w for text in forms for w in (text[:REDACT_WINDOW_CHARS], text[-REDACT_WINDOW_CHARS:])}
    return {w for w in windows if "@" not in w}


@functools.cache
def _printed_tests(slug: str) -> list[tuple[str, set[str]]]:
    # Each test's printed forms, once for every candidate below (encoding the bank's largest values is a third of
    # redacting them).
    question = next(q for q in BANK if q.slug == slug)
    return [(t.id, _printed(t.args) | _printed(t.expected)) for t in question.tests]


def _changes(redactor: Redactor, question: Question) -> list[str]:
    changed: list[str] = []
    for kind, sources in (("reference", question.references), ("starter", question.starters)):
        for language, code in sources.items():
            if redactor.code(code, language).text != code:
                changed.append(f"{question.slug} {kind}.{language}")
    for test_id, texts in _printed_tests(question.slug):
        for text in texts:
            out = redactor.output(text).text
            if out != text:
                changed.append(f"{question.slug} test {test_id}: {text[:80]!r} -> {out[:80]!r}")
    return changed


@pytest.mark.parametrize(("name", "email"), CANDIDATES, ids=[c[0] for c in CANDIDATES])
def test_the_banks_code_and_test_values_come_through_unchanged(name: str, email: str | None) -> None:
    redactor = Redactor(redaction_terms(name, email))
    changed = [c for q in BANK for c in _changes(redactor, q)]
    assert changed == []


def test_the_bank_is_what_the_check_reads() -> None:
    # The check above is only as wide as what it read: every question, each with code in every language and tests,
    # and nearly every test value (the "@" rule leaves out only a few random strings).
    assert len(BANK) >= 5
    assert all(q.references and q.starters and q.tests for q in BANK)
    assert {lang for q in BANK for lang in q.references} == {"python", "javascript", "java", "cpp"}
    values = [v for q in BANK for t in q.tests for v in (t.args, t.expected)]
    assert sum(1 for v in values if _printed(v)) >= 0.95 * len(values)


# Technical text near each rule that finds a contact detail without a cue word (grader/handles.py, phone numbers
# with letters or in words, names in other scripts, encoded names): what a candidate says, writes in a comment or
# prints about their solution, for a candidate whose address's local part has pieces and a number.
TECHNICAL_SPEECH = [
    "I practiced on leetcode and posted it on github",
    "Mostly on leetcode, some on hackerrank. Everything is on GitHub.",
    "the solution is up on github, and two_sum on leetcode is similar",
    "that was issue#1234, see PR#5678 and step #2",
    "O(1) lookups with l1 and l2 as the two lists, mask 0x1F00, and l10n",
    "for 5551234 the answer is seven, and one two three four five six seven is just counting",
    # Letter names and words in pieces (grader/said_letters.py, split_names.py): only the name's letters count.
    "I see you, why are you asking? Oh, you see, a b c are the keys, x y z the axes",
    "a good win for the greedy approach; max heap, min heap, key value",
    "the tee and the sea, be it so; are you okay with el and em as bounds",
    "then we turn er left, and it's all sum er over the rows",
    # Evidence in the words of names above: a verdict, an approach, a value, a sort.
    "brute force gave a wrong answer, the null result came back, and sorting gives hope",
]
TECHNICAL_OUTPUT = [
    "[5551234, 1, 2]",
    "5 5 5 1 2 3 4",
    "555 1234",
    "one two three four five six seven",
    "zero one one zero one zero zero one",
    "one, two, three, four, five, six, seven",
    "lOl 0O0 Il1 O0 l1 I1",
    "0x1F00 0xDEAD 1e9+7",
    "e3b0c44298fc1c149afbf4c8996fb924 aGVsbG8gd29ybGQ= ZmxvYXQgaXMgZmFzdA==",
    # Character codes that spell other words, and short words that are valid base64.
    "72 101 108 108 111 [65, 66, 67] [97, 98, 99, 100]",
    "node left test abcd ABCD Zm9v YmFy",
]
TECHNICAL_CODE = [
    ("python", "# fixes issue#1234 from the tracker\ncolor = '#1234'\nx = a#1234\n"),
    ("python", "# two_sum on leetcode, same idea\ndef two_sum(nums): ...\n"),
    ("cpp", "// see bug#4242\n#define N 1234\nint a[N];\n"),
    ("python", "nums = [5551234, 555, 1234]  # input: 5 5 5 1 2 3 4\nMOD = 10**9 + 7  # 1_000_000_007\n"),
    ("python", "# O(1) with l1, l2 pointers; mask 0x1F00, one two three four five six seven\nl1 = l2 = 0\n"),
    ("java", "long[] a = {5551234L, 4155550100L}; // two ids: 415 555 and 0100\n"),
    # Hex constants, hashes, base64 data and long identifiers: decoded, none holds a name.
    ("python", "MASK = 0xDEADBEEF\nH = 'e3b0c44298fc1c149afbf4c8996fb924'\nB = 'aGVsbG8gd29ybGQ='\n"),
    ("javascript", "const minimumSubarrayLength = findMinimumSubarray(nums); // O(n)\n"),
    ("python", "def floyd_cycle(head): ...\ndef kadane_max(a): ...\ndef dijkstra(g, s): ...\n"),
    # Strings built from literals (grader/split_names.py), lists of words, and numbers in strings that are data.
    ("java", 'sb.append("Hello").append(", ").append("world");\nsb.append(\'x\');\ns += "a"; s += "b";\n'),
    (
        "javascript",
        "const s = `${a} and ${b}`; const r = String.raw`\\d+`; const w = ['lo', 've', 'la', 'ce'];\n",
    ),
    (
        "python",
        'MAX = "+2147483647"\nxs = "1 2 3"\nys = "10 20 30 40"\nitems.append("good"); items.append("win")\n',
    ),
    ("python", "# splits the input into\n# pieces, one per line\nparts = s.split()\n"),
]


@pytest.mark.parametrize(("name", "email"), CANDIDATES, ids=[c[0] for c in CANDIDATES])
def test_technical_text_near_the_cue_less_rules_comes_through_unchanged(name: str, email: str | None) -> None:
    redactor = Redactor(redaction_terms(name, email) + redaction_terms(None, "zq_dev1990@example.com"))
    for said in TECHNICAL_SPEECH:
        assert redactor.speech(said).text == said
        assert redactor.output(said).text == said
    for printed in TECHNICAL_OUTPUT:
        assert redactor.output(printed).text == printed
    for language, code in TECHNICAL_CODE:
        assert redactor.code(code, language).text == code
