"""A quote checked as a citation of a bundle and asked whether credit on it has substance (grader/credit.py): the
step the tests of credit on given text (test_credit_given.py) and on claiming names (test_credit_claim_names.py)
share."""

from __future__ import annotations

from grader.bundle import build_bundle
from grader.credit import substantive
from grader.evidence import check
from grader.facts import compute_facts
from grader.schemas import BundleInput, Evidence


def has_substance(source: BundleInput, seq: int, quote: str) -> bool:
    """Whether credit on `quote` at event `seq` of `source` counts. The quote must be there (it checks as a
    citation): what is asked of it is only whether it is substance of the candidate's own."""
    bundle = build_bundle(source, compute_facts(source))
    verified = check(Evidence(seq=seq, quote=quote), bundle.index)
    assert isinstance(verified, Evidence), verified  # the quote is there: only credit on it is refused
    return substantive(verified, bundle.index)
