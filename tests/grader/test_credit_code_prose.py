"""A sentence typed into the editor with no comment mark earns no credit as code (grader/code_prose.py): a snapshot
quote of "I tested each one by hand before submitting" had counted its words as the code's names, and a hostile or
steered model's verification and communication at 4 on it alone were stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.bundle import Bundle, build_bundle
from grader.code_prose import prose_spans
from grader.credit import credit_problems
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import BundleEvent, Evidence
from tests.grader.bundles import CORRECT, interview

PROSE = 20
SAID = "I walked the interviewer through duplicates, negative numbers and the empty input edge cases"
TESTED = "and I tested each one by hand before submitting"
BANK = Path(__file__).resolve().parents[2] / "questions"
EXTENSIONS = {".py": "python", ".js": "javascript", ".java": "java", ".cpp": "cpp"}


def _bundle(code: str, language: str = "python") -> Bundle:
    snapshot = BundleEvent(
        seq=PROSE, type="editor_snapshot", t=180.0, payload={"language": language, "code": code}
    )
    source = interview(extra_events=[snapshot])
    return build_bundle(source, compute_facts(source))


def _verified(bundle: Bundle, quote: str) -> Evidence:
    verified = check(Evidence(seq=PROSE, quote=quote), bundle.index)
    assert isinstance(verified, Evidence), verified
    return verified


def _credit(bundle: Bundle, evidence: Evidence) -> list[str]:
    cited = {
        "dimensions.verification (score 4)": [evidence],
        "dimensions.communication (score 4)": [evidence],
        "dimensions.coding (score 3)": [evidence],
    }
    return credit_problems(cited, bundle.index)


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", f"{CORRECT}\n{SAID}\n{TESTED}\n"),
        ("java", f"class Solution {{\n    {SAID}\n    {TESTED}\n}}\n"),
        ("cpp", f"#include <vector>\n{SAID}\n{TESTED}\n"),
        ("javascript", f"function twoSum(nums, target) {{\n  {SAID}\n  {TESTED}\n}}\n"),
    ],
)
def test_a_sentence_typed_as_code_verifies_but_earns_no_credit(language: str, code: str) -> None:
    bundle = _bundle(code, language)
    for quote in (SAID, TESTED, "I tested each one by hand"):
        problems = _credit(bundle, _verified(bundle, quote))
        assert len(problems) == 3, (quote, problems)
        assert all("a sentence typed as code" in p for p in problems)


def test_the_code_beside_such_a_sentence_still_earns_credit() -> None:
    bundle = _bundle(f"{CORRECT}\n{TESTED}\n")
    for quote in ("if target - x in seen:", "return [seen[target - x], i]"):
        assert _credit(bundle, _verified(bundle, quote)) == [], quote


HAN = "我逐一测试了所有边界情况\uff0c并且向面试官解释了每一步"  # a full-width comma between its two clauses


def test_a_sentence_in_another_script_typed_as_code_earns_no_credit() -> None:
    bundle = _bundle(f"{CORRECT}\n{HAN}\n")
    problems = _credit(bundle, _verified(bundle, HAN))
    assert len(problems) == 3, problems


@pytest.mark.parametrize(
    ("language", "code"),
    [
        (
            "python",
            "def f(x):\n    return x if x is not None else y\nfrom a import b as c\nmatch cmd:\n    case x:\n",
        ),
        ("javascript", "for (const x of nums) { let y = typeof x; }\nexport default async function f() {}\n"),
        (
            "java",
            "public static final ListNode dummy = new ListNode(0);\nsealed interface Shape permits Circle {}\n",
        ),
        ("cpp", '#pragma GCC optimize("O3")\nunsigned long long total = 0;\nusing namespace std;\n'),
    ],
)
def test_code_that_puts_names_side_by_side_is_not_prose(language: str, code: str) -> None:
    assert prose_spans(code, language) == ()


def test_no_reference_solution_or_starter_code_of_the_bank_reads_as_prose() -> None:
    read = 0
    for path in sorted(BANK.glob("*/*")):
        language = EXTENSIONS.get(path.suffix)
        if language is not None and path.stem in ("reference", "starter"):
            code = path.read_text(encoding="utf-8")
            assert prose_spans(code, language) == (), path
            read += 1
    assert read >= 50, read
