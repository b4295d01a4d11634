"""A citation's quote is marked, in the replay, at the place of its line or snapshot the grader verified, not at the
first place its words occur: the grader matches a quote only on word boundaries and, in what was said, only where
nothing in its sentence denies it (grader/evidence.py, grader/quote_scope.py), but stores the words, not where. The
replay marked the first place: the letters "correct" of "incorrect", the words the candidate denied, "sum(nums)" of
"checksum(nums)". A reader following the link read the opposite of the evidence (api/report_quotes.py)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import DictRow

from api.db import events_repo
from tests.api.report_support import candidate_line, cite, seeded_share
from tests.conftest import ApiServer
from tests.web.report_driver import drive_report

pytestmark = pytest.mark.browser
Db = psycopg.AsyncConnection[DictRow]

AT = 300.0
# Each holds its quote twice, the grader's place second: inside a word, then a sentence of its own; denied, then
# said; in a longer name, then the call.
CORRECTED = "That is incorrect. Correct, it stops at the end."
DENIED = "I don't think my code handles duplicates. Now it does. My code handles duplicates."
CODE = "def checksum(nums):\n    return sum(nums)\n"
QUOTES = {"corrected": "Correct", "denied": "My code handles duplicates", "code": "sum(nums)"}


@pytest.mark.timeout(300)
async def test_the_replay_marks_the_place_of_a_quote_the_grader_verified_not_the_first_place_its_words_occur(
    api_server: ApiServer, db: Db
) -> None:
    seeded, stored, url = await seeded_share(
        api_server,
        db,
        candidate_line("places:corrected", CORRECTED, AT, AT + 2),
        candidate_line("places:denied", DENIED, AT + 5, AT + 9),
        events_repo.EventIn("places:code", "editor_snapshot", {"language": "python", "code": CODE}, AT + 10),
    )
    seqs = dict(zip(QUOTES, stored, strict=True))
    cited = {
        "problem_solving": ("corrected",),
        "communication": ("denied",),
        "coding": ("code",),
    }
    for dimension, names in cited.items():
        await cite(db, seeded, dimension, [{"seq": seqs[n], "quote": QUOTES[n]} for n in names])

    seen = await drive_report(
        "clicks",
        url=url,
        clicks=[f'a[data-evidence][data-seq="{seqs[n]}"]' for n in QUOTES],
    )
    corrected, denied, code = seen["steps"]

    # The sentence "Correct, ..." is marked, not the letters inside "incorrect".
    (mark,) = corrected["marks"]
    assert mark["seq"] == str(seqs["corrected"]) and mark["text"] == "Correct", mark
    assert corrected["marked_after"][0].endswith("That is incorrect. "), corrected["marked_after"]
    # The words said, not the same words denied a sentence before.
    (mark,) = denied["marks"]
    assert mark["text"] == "My code handles duplicates", mark
    assert denied["marked_after"][0].endswith("Now it does. "), denied["marked_after"]
    # The line that calls sum(nums), not the one defining checksum(nums).
    assert code["code_seq"] == str(seqs["code"]), code
    assert code["highlighted"] == ["    return sum(nums)"], code["highlighted"]
