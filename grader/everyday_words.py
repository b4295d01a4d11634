"""Everyday English and coding words that are also people's names or name parts (`Will`, `Max`, `Grace`, `Lee`,
`Val`): grader/redact.py replaces such a part alone only when it is written as a name, and grader/handles.py never
takes one for a handle."""

from __future__ import annotations

import re

# Name parts that are also everyday English (or coding) words, and every part of one or two letters: alone they are
# replaced only when written as a name (`An`, `AN`) and not at the start of a sentence (unless a comma follows:
# "Grace, ...", or a possessive: "Grace's idea"), so that "an array", "So I'd", "the max" and "will" survive for a
# candidate called An Do, So, Max or Will, and never as a segment of an identifier (`maxVal`, `minLen`, `prefixSum2`
# for Val, Len or Sum). The full name is always replaced.
COMMON_WORDS = frozenset(
    """
    a an and are as at be but by can do for go had has he her him his how i if in is it its me my no not of oh ok on
    or our out she so than that the then they this to too up us was we what when who why will with yes you all am
    any ask back bad best big bill bit both call case cash change chase check child clear close cook cool count dawn
    day deal dean do does done down early end even fair faith fast field fine first free frank glad gold good grace
    grant gray green grey hall hard head heap hill hold home hope hunter jack joy just key king kind lake last lee
    less light like line list long love low mark may max mean min miles min more most new next nick noble node open
    page park pat pay peace pearl price queue rain ray read rich river rock root rose run sage set shape short sky
    small smith sort star stone storm sue summer sun sunny swift tree true very wait ward way well west white will
    win winter wood young
    val len sum cur curr res ans tail size mid high left right start dist memo grid row col hash stack graph edge
    path prev temp tmp idx cnt num arr str ptr map index value result total pair word char cell step level depth
    width height sign bit mask prefix suffix window target top bottom
    """.split()  # noqa: SIM905  # a word list reads better as text
)

# Surnames that name an algorithm, a structure or a piece in code (`dijkstra()`, `floyd_cycle`, `knight_moves`):
# for a candidate of that name, a lowercase segment of an identifier stays, since it is more likely the code's.
CODE_EPONYMS = frozenset(
    """
    dijkstra kruskal floyd warshall bellman ford tarjan knuth morris pratt boyer moore euler gauss horner fenwick
    manacher kadane hoare lomuto kosaraju prim kahn hamming levenshtein huffman bloom fibonacci pascal newton
    cantor turing bezier dekker peterson lamport bresenham karatsuba strassen rabin karp miller catalan stirling
    bernoulli lagrange fourier kleene hopcroft ullman corasick viterbi markov fisher yates knight bishop rook queen
    walker banker johnson edmonds dinic kuhn munkres hungarian boruvka zobrist jaccard pearson
    """.split()  # noqa: SIM905  # a word list reads better as text
)

# Types of the bank's languages written as names are (Java's boxed `Long`, `Short`, `Character`; JavaScript's `Map`,
# `Set`, `Number`): in code, a name part that is also an everyday word is not replaced in one of these forms.
CODE_TYPE_NAMES = frozenset(
    """
    Long Short Byte Integer Double Float Boolean Character String Math Map Set List Array Number Object Deque Queue
    Stack Optional Pair Node Tree Graph Entry Collections Arrays Objects System None True False Vector
    """.split()  # noqa: SIM905  # a word list reads better as text
)
USED_AS_A_TYPE = re.compile(r"\.\w|[(<\[]")


def not_as_a_type(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A type's name in a comment (`Long`) where it is not used as the type (`Long.MAX_VALUE`, `Long(`)."""
    return [] if USED_AS_A_TYPE.match(text, end) else [(start, end)]
