"""Grading is blind to where the candidate worked or studied: an employer or a school said in a graded phase, by the
candidate or the interviewer, or written in a comment, reaches the model as `[company]` or `[school]`, and a quote
of it verifies and is stored as the original words. A company's name that is also a technology's ("Amazon S3", the
"Meta key", the "MIT license") and a name in test data, a string literal or what a program printed stay as they
are: they are the work being assessed."""

from __future__ import annotations

import pytest

from grader.bundle import build_bundle
from grader.evidence import check
from grader.facts import compute_facts
from grader.redact import Redactor
from grader.schemas import BundleEvent, BundleRun, Evidence
from tests.grader.bundles import START, interview, run_result, transcript

RESUME = ["Initech", "Foo State University", "Oracle"]  # as grader/resume_affiliations.py reads a résumé


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("At Google we sharded by user id.", "At [company] we sharded by user id."),
        ("My Stanford professor said to use a heap.", "My [school] professor said to use a heap."),
        ("Back at Jane Street we'd memoise this.", "Back at [company] we'd memoise this."),
        ("I did my PhD at Carnegie Mellon, then joined Two Sigma.",
         "I did my PhD at [school], then joined [company]."),
        ("ex-Googler here, so I'd shard it", "ex-[company] here, so I'd shard it"),
        # An ambiguous name beside an affiliation cue.
        ("At Amazon we called it a ring buffer.", "At [company] we called it a ring buffer."),
        ("my Apple interview had this exact question", "my [company] interview had this exact question"),
        # Any organisation, by its form or after a first-person cue.
        ("I learned it at the University of Waterloo.", "I learned it at the [school]."),
        ("At Boston College we used Java.", "At [school] we used Java."),
        ("I interned at Hooli on search.", "I interned at [company] on search."),
        ("I'm currently at Hooli on search.", "I'm currently at [company] on search."),
        ("I graduated from Acme Tech in 2019.", "I graduated from [school] in 2019."),
        ("my previous company, Vandelay Industries, used tries", "my previous company, [company], used tries"),
        ("we bought it from Globex Corp, a vendor", "we bought it from [company], a vendor"),
        ("Since you were at Hooli, how would you cache it?", "Since you were at [company], how would you cache it?"),
        # Typed in lower case, beside a cue; in another language, by its form.
        ("at google we did it with a heap", "at [company] we did it with a heap"),
        # In lower case after a cue of where they studied or work now, without "studied" or "worked".
        ("i went to stanford, so we did a lot of dp", "i went to [school], so we did a lot of dp"),
        ("yeah i attended mit for undergrad", "yeah i attended [school] for undergrad"),
        ("i'm currently at google working on search", "i'm currently at [company] working on search"),
        ("currently at jane street on the infra team", "currently at [company] on the infra team"),
        ("estudié en la Universidad de Chile", "estudié en la [school]"),
        # Matched in a form without accents ("Universite"), a school's accented form is one too.
        ("Université Laval taught me graphs.", "[school] taught me graphs."),
        ("Die Universität Heidelberg lehrte Graphen.", "Die [school] lehrte Graphen."),
        ("我是 Google 的工程师", "我是 [company] 的工程师"),
        ("저는 Google입니다", "저는 [company]입니다"),
    ],
)  # fmt: skip
def test_an_employer_or_a_school_said_is_replaced(said: str, expected: str) -> None:
    assert Redactor([]).speech(said).text == expected


@pytest.mark.parametrize(
    "said",
    [
        "We'd store the blobs in Amazon S3 and the index in DynamoDB.",
        "Hold the Meta key and click.",
        "That library is under the MIT license.",
        "An Oracle database would lock the row.",
        "Berkeley sockets block by default.",
        "I'd export it to Google Sheets.",
        "Apple and banana sort before cherry.",
        "So when I was at Dijkstra's second step the queue held two nodes.",
        "At index i we compare with the complement.",
        "I was at Python 3.8 then, so no walrus.",
        "In college I learned hash maps.",
        "I worked for a while on the brute force.",
        "I'd google it, or look at Apple and Banana in the example.",
        "The Oxford comma and the Harvard architecture are not it.",
        # A complexity, a function or a variable after a cue: "we're at" a point of the work.
        "We were at O(n) then, and now we're at O(log n).",
        "So you were at O(n^2) before the hash map?",
        "I was at F(3) when it recursed.",
        "I'm at N squared now, so the map is next.",
        # The same cues before what is no organisation.
        "The pointer went to index two, and we're now at the end.",
        "I'd go to google and search it, but currently at this step the queue is empty.",
    ],
)
def test_a_technology_a_fruit_or_an_algorithm_that_shares_a_name_stays(said: str) -> None:
    assert Redactor([]).speech(said).text == said


def test_the_resumes_organisations_are_replaced_wherever_said_and_its_technology_only_as_a_product() -> None:
    r = Redactor([], affiliations=RESUME)
    assert r.speech("Initech had a service like this; back at initech it was Go.").text == (
        "[company] had a service like this; back at [company] it was Go."
    )
    # In lower case only beside a cue: a résumé's "Scale" is not "at scale".
    scale = Redactor([], affiliations=["Scale"])
    assert scale.speech("Scale taught me this; at scale we'd shard it.").text == (
        "[company] taught me this; at scale we'd shard it."
    )
    assert r.speech("Foo State taught me tries.").text == "[school] taught me tries."
    # Listed, a technology's name is theirs wherever said; before a product's word it is the product.
    assert r.speech("We ran Oracle there.").text == "We ran [company] there."
    assert r.speech("An Oracle database locks rows.").text == "An Oracle database locks rows."
    # Not listed, it is replaced only beside a cue.
    assert Redactor([]).speech("We ran Oracle there.").text == "We ran Oracle there."


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # A company by the words before its kind, beside a cue, in any case; its words elsewhere stay.
        ("back when I was at acme", "back when I was at [company]"),
        ("my Acme days taught me this", "my [company] days taught me this"),
        ("I was at Vandelay for two years", "I was at [company] for two years"),
        ("Acme is a classic cartoon company", "Acme is a classic cartoon company"),
        ("the acme of elegance", "the acme of elegance"),
        # A name of several words in lower case, beside a cue after it too.
        ("at acme robotics we used kafka", "at [company] we used kafka"),
        ("at two sigma we used kdb", "at [company] we used kdb"),
        ("two sigma bounds", "two sigma bounds"),
        # A school by its initials, beside a cue, as written; a degree before "at" is a cue.
        ("I went to UW", "I went to [school]"),
        # A campus joined by a hyphen is the school's name too.
        ("I went to UW-Madison", "I went to [school]"),
        ("I went to Carnegie Mellon-Qatar", "I went to [school]"),
        ("I studied at cmu-qatar", "I studied at [school]"),
        ("I did my masters at CMU", "I did my masters at [school]"),
        ("UW is a nice word", "UW is a nice word"),
        ("the masters at chess", "the masters at chess"),
        # Not initials that are a word of code talk, nor a company's two letters (Jane Street, Deutsche Bank).
        ("then I went to JS for the frontend", "then I went to JS for the frontend"),
        ("then I went to DB for the counts", "then I went to DB for the counts"),
        ("I went to DFS first", "I went to DFS first"),
        ("I was at Jane Street", "I was at [company]"),
    ],
)
def test_the_resumes_organisations_by_a_short_form_or_in_lower_case_beside_a_cue(
    said: str, expected: str
) -> None:
    resume = [
        "Acme Robotics",
        "Vandelay Industries",
        "Two Sigma",
        "University of Waterloo",
        "Carnegie Mellon University",
        "Jane Street",
        "Deutsche Bank",
        "Depth First Systems",
    ]
    assert Redactor([], affiliations=resume).speech(said).text == expected


def test_in_code_only_comments_change_never_identifiers_or_string_literals() -> None:
    code = (
        "# the trick from my Google interview\n"
        'SCHOOLS = ["Stanford", "MIT", "University of Waterloo"]\n'
        "def google_rank(apple):  # at Initech we did it in C\n"
        "    return apple\n"
    )
    out = Redactor([], affiliations=RESUME).code(code, "python").text
    assert out == (
        "# the trick from my [company] interview\n"
        'SCHOOLS = ["Stanford", "MIT", "University of Waterloo"]\n'
        "def google_rank(apple):  # at [company] we did it in C\n"
        "    return apple\n"
    )


def test_a_complexity_in_a_comment_stays_beside_an_employer_that_goes() -> None:
    code = "def f(nums):  # we are at O(n) here; at Initech we did O(1)\n    return nums\n"
    assert Redactor([], affiliations=RESUME).code(code, "python").text == (
        "def f(nums):  # we are at O(n) here; at [company] we did O(1)\n    return nums\n"
    )


def test_what_a_program_printed_changes_only_beside_an_affiliation_cue() -> None:
    r = Redactor([], affiliations=RESUME)
    data = '["Stanford", "Apple", "Google", "Initech", "University of Waterloo"]'
    assert r.output(data).text == data
    assert r.output("I worked at Initech and studied at Stanford").text == (
        "I worked at [company] and studied at [school]"
    )


def test_a_name_in_the_question_statement_is_the_problems_word() -> None:
    r = Redactor([], vocabulary="Stanford's campus has n buildings; at Stanford we number them from 0.")
    said = "At Stanford we number the buildings, so Stanford's graph has n nodes."
    assert r.speech(said).text == said


def test_the_model_reads_no_employer_or_school_and_its_quotes_map_back_to_the_original() -> None:
    """In a graded phase, the candidate's and the interviewer's words, a comment of the code and a run's output: no
    organisation reaches the model; a quote of the redacted text verifies and is stored as said; a quote of the
    original name (which the model never read) does not."""
    code = "def two_sum(nums, target):\n    # as we did at Initech\n    return []\n"
    failing = run_result(0, None)
    failing["tests"][0]["stdout"] = "Apple\nStanford\n"
    source = interview(
        extra_events=[
            transcript(15, 175.0, "user", "At Google we kept a map from value to index."),
            transcript(16, 180.0, "assistant", "Good. Did your Stanford professor teach that, or Initech?"),
            BundleEvent(
                seq=17, type="editor_snapshot", t=182.0, payload={"language": "python", "code": code}
            ),
            BundleEvent(seq=18, type="test_run", t=185.0, payload={"submission_id": "r3", "by": "candidate"}),
        ]
    )
    source.runs.append(
        BundleRun(id="r3", kind="run", language="python", code=code, verdict="wrong_answer", result=failing,
                  created_at=START)
    )  # fmt: skip
    source = source.model_copy(update={"affiliations": RESUME})
    bundle = build_bundle(source, compute_facts(source))
    for name in ("Google", "Initech"):
        assert name not in bundle.interview
    timeline = bundle.interview.split("## Timeline", 1)[1]
    spoken = [line for line in timeline.splitlines() if line.startswith(("[15]", "[16]"))]
    assert spoken == [
        "[15] 175-179s C: At [company] we kept a map from value to index.",
        "[16] 180-184s I: Good. Did your [school] professor teach that, or [company]?",
    ]
    assert "# as we did at [company]" in bundle.interview
    assert '"Apple\\nStanford\\n"' in bundle.interview  # a program's output is its own, unchanged
    assert check(Evidence(seq=15, quote="At [company] we kept a map"), bundle.index) == Evidence(
        seq=15, quote="At Google we kept a map"
    )
    assert isinstance(check(Evidence(seq=15, quote="At Google we kept a map"), bundle.index), str)
