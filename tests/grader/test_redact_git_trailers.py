"""git's trailers that name a person, in a comment or a program's output (grader/signatures.py `AUTHOR_LABEL`):
"Signed-off-by:" was read as a signature, "Co-authored-by: Priya Raman <...>", "Reviewed-by:", "Tested-by:" and the
other trailers of a commit message pasted into the code were not, and the name reached the model. A word that only
ends in "-by" ("sorted-by: value") is no trailer and stays."""

from __future__ import annotations

import pytest

from api.db.bundle_repo import redaction_terms
from grader.redact import Redactor

R = Redactor(redaction_terms("Ada Lovelace", "ada.lovelace@example.com"))
TRAILERS = ["Co-authored-by", "Co-developed-by", "Reviewed-by", "Acked-by", "Tested-by", "Reported-by", "Suggested-by",
            "Helped-by", "Mentored-by", "Requested-by"]  # fmt: skip


@pytest.mark.parametrize("trailer", TRAILERS)
@pytest.mark.parametrize("who", ["Priya Raman", "zq_dev", "priya raman"])
def test_a_git_trailer_names_no_one_to_the_model(trailer: str, who: str) -> None:
    comment = R.code(f"# {trailer}: {who} <priya@example.org>\ndef f(): pass\n", "python").text
    assert comment == f"# {trailer}: [candidate] <[email]>\ndef f(): pass\n"
    assert R.output(f"{trailer}: {who}").text == f"{trailer}: [candidate]"


@pytest.mark.parametrize(
    "code",
    [
        "# sorted-by: value, then index\n",
        "# grouped-by: key\n",
        "# one-by-one: iterate the pairs\n",
        "reviewed_by = None  # set after review\n",
    ],
)
def test_words_ending_in_by_stay(code: str) -> None:
    assert R.code(code, "python").text == code
