"""Words written with a capital where a name would be that are not one (`NOT_NAMES`): states, languages, methods,
companies, titles. Read by the name cues of grader/introductions.py, the sign-offs of grader/bylines.py and the
"I am" frames of grader/cjk_i_am.py; a leaf, so that none of them imports another to reach it."""

from __future__ import annotations

from grader.everyday_words import CODE_EPONYMS, COMMON_WORDS
from grader.gendered import PLACEHOLDER
from grader.handles import PLATFORM_TALK
from grader.spoken import BOUNDARY

# Words written with a capital where a name would be that are not one: states, languages, methods.
NOT_NAMES = (
    COMMON_WORDS
    # A gendered word is replaced as one (grader/gendered.py: "ich bin Entwicklerin").
    | frozenset(PLACEHOLDER)
    | BOUNDARY
    | PLATFORM_TALK
    | CODE_EPONYMS
    | frozenset(
        """
        sorry sure okay alright ready stuck lost confused happy excited nervous thinking trying going gonna done
        still really very pretty quite great familiar comfortable used aware curious interested afraid glad back
        now currently actually basically probably definitely using working looking getting doing checking wondering
        assuming almost finished fine good new not also just here there sorry thanks thank welcome excited
        recursion iteration dynamic programming greedy backtracking memoization sorting hashing hash binary search
        javascript typescript golang cplusplus csharp node react angular vue django flask spring linux windows mac
        google amazon meta microsoft apple netflix github gitlab leetcode hackerrank
        busy available english spanish french german portuguese chinese hindi fluent native remote senior junior
        staff lead mr mrs ms mx dr prof sr sra mme herr frau miss sir madam
        """.split()  # noqa: SIM905  # a word list reads better as text
    )
)
