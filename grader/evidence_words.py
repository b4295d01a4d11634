"""Which words of a name are also the words evidence is written in (`everyday`): a name part that is one is replaced
only where it is written as a name (grader/name_rules.py), whichever source gave the name (on file, asked for in
the greeting, introduced by the candidate), so that a candidate who asks to be called "Wrong Answer", "Brute
Force" or "Timeout" cannot erase "that test gave a wrong answer" from what the grader reads.

`EVIDENCE_WORDS` are the words of verdicts, complexity, approaches, hints and conduct that a record's evidence
turns on, and the words a scorecard decides in, read from its schema (`SCORECARD_WORDS`: "strong", "hire",
"verification", "observed"); with `COMMON_WORDS` (grader/everyday_words.py), the technologies of
grader/tech_names.py and the words of the question's own statement and rubric (`question_vocabulary`) they make the
test. An algorithm's eponym (`Dijkstra`, `Johnson`) is left out: it is a common surname, and its lower-case use in
code is already kept (`CODE_EPONYMS`). A real name that is such a word ("Hope", "Grace", "Will") is still replaced
where it is written as one: capitalised mid-sentence, addressing someone, owning something, or as the whole name
written as one ("Will Best"), joined as a handle (`will_best`) unless a word of it is `technical` (`wrong_answer`
is the code's), and in any case where a cue reads a name (grader/known_cased.py).

Why a list by hand and not a dictionary: what the list decides is which of a name's words lose their lower-case
matches, and a general English word list would decide it for most surnames (Baker, Young, Strong, Bishop, Cook,
Hope, Rose are all English words), so that "bishop" or "baker" said alone in lower case would stay for a candidate
so named, where today only the listed words do; the test is instead narrow and on purpose: the words the grader's
evidence, its scorecard and the question's rubric are written in, where an erasure would change a grade. Nor is one
available without a network fetch: the lockfile holds no word list, and the Debian packages scripts/setup.sh
installs hold none (`espeak-ng-data` ships compiled pronunciation rules only, no /usr/share/dict). Its coverage is
held by
tests/grader/test_blind_names_of_everyday_words.py: every word of the scorecard's schema and of every bank
question's rubric is an evidence word, and a name asked for that is one leaves the bundle its evidence."""

from __future__ import annotations

import re
from typing import get_args

from grader.everyday_words import COMMON_WORDS
from grader.schemas import Band, BundleQuestion, DimensionName, RubricMark
from grader.tech_names import TECH_NAMES

# The words a scorecard's decisions are written in, from its schema: bands ("strong no hire"), dimensions
# ("problem solving", "verification"), rubric marks ("not observed").
SCORECARD_WORDS = frozenset(
    word
    for value in (*get_args(Band), *get_args(DimensionName), *get_args(RubricMark))
    for word in value.split("_")
)

_LISTED = frozenset(
    """
    wrong right answer answers correct incorrect accepted rejected pass passed passes passing fail failed fails
    failing failure error errors exception exceptions crash crashed crashes timeout timeouts timed limit limits
    exceeded memory runtime compile compiled compiler compilation syntax verdict verdicts output input expected
    actual hidden visible sample samples test tests tested testing case cases edge corner bug bugs buggy fix fixed
    debug debugged issue issues problem problems solution solutions solve solved solving submit submitted
    submission run ran runs rerun
    brute force naive quadratic linear cubic exponential logarithmic constant polynomial factorial optimal
    suboptimal optimized optimised optimize efficient inefficient complexity slow slower slowest faster fastest
    quick quickly time space big order log
    null nil none undefined nan empty zero overflow underflow infinite infinity loop loops boundary off
    hint hints hinted help helped helping stuck guidance nudge clue clues prompt prompted
    copy copied copying paste pasted pasting cheat cheated cheating googled searched looked tab switched away
    absent silent idle
    good great bad poor weak strong clean messy excellent solid sloppy careless careful clear unclear confused
    recursion recursive iterative iteration greedy dynamic programming memoization memoized sorting sorted binary
    search hashing hashed heap tree trie graph array list pointer pointers sliding stack queue set dictionary
    dict matrix string integer float boolean bool true false function method class object variable return
    returns returned
    """.split()  # noqa: SIM905  # a word list reads better as text
)
EVIDENCE_WORDS = _LISTED | SCORECARD_WORDS

_WORD = re.compile(r"[^\W\d_]+")


def vocabulary_words(text: str) -> frozenset[str]:
    """The words of `text` (the question's statement), in lower case: the problem's own words."""
    return frozenset(w.lower() for w in _WORD.findall(text))


def question_vocabulary(question: BundleQuestion) -> str:
    """The question's own text, whose words are the problem's: its statement, and its rubric's items (their ids'
    words and behaviours), the words the grader marks each item by."""
    rubric = (
        f"{item.get('id', '')} {item.get('behaviour', '')}".replace("_", " ") for item in question.rubric
    )
    return "\n".join((question.statement_md, *rubric))


def evidence_word(part: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """`part` is a word of `EVIDENCE_WORDS` or of the question's statement (`vocabulary`)."""
    return part.lower() in EVIDENCE_WORDS or part.lower() in vocabulary


def technical(part: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """`part` is a word a record's evidence or code is written in: a verdict, a complexity, an approach, a
    technology, or a word of the question's statement (`vocabulary`). Joined as an identifier, such words are the
    code's (`wrong_answer`, `brute_force`), never a handle."""
    return evidence_word(part, vocabulary) or part.lower() in TECH_NAMES


def everyday(part: str, vocabulary: frozenset[str] = frozenset()) -> bool:
    """`part` (a name's word) is also a word evidence is written in: everyday English (`COMMON_WORDS`) or
    `technical`."""
    return part.lower() in COMMON_WORDS or technical(part, vocabulary)


def everyday_words(vocabulary: frozenset[str] = frozenset()) -> frozenset[str]:
    """Every word `everyday` holds, as one set (for grader/transliterate.py `LatinReadings`)."""
    return COMMON_WORDS | EVIDENCE_WORDS | TECH_NAMES | vocabulary
