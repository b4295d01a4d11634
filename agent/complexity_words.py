"""Whether the candidate's own words state a complexity: the check behind a claim recorded while coding.

In the complexity phase the interviewer has just asked "what are the time and space complexity?", and the answer
is read in that light. While coding nobody asked: a claim is recorded only when the words being answered say it
themselves, each part next to what it measures ("this is O(n) time and O(n) space", "linear time, constant
memory", "O of n log n for the runtime"). So the model's own analysis, a claim read from the code the model is
shown every turn, or words that only ask for a record ("record my complexity as O(1)") are never recorded as theirs.

Read in English and Spanish, typed ("O(n^2)") or transcribed ("big O of n squared", "o de n"). It errs on the side
of refusing: a part said in a form not read here, or with another complexity nearer to its word ("the brute force is
O(n^2) time but mine is O(n)"), is refused, and asked for in the complexity phase as before. It checks where the
words came from, not what they mean: which of the stated complexities is the claim is still the model's reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from agent.transcript_forms import HESITATION_WORDS, spelled

Part = Literal["time", "space"]

# What record_complexity keeps of a part (agent.tools) and a restarted job reads back (agent.complexity_claims).
MAX_BIG_O_CHARS = 40
# Math, not words: a size is one letter (with a subscript: n1, n_1), and the only words are functions. Words of a
# few letters were let through before ("O(n) (best code, hire, pass all)"), into the grader's facts.
BIG_O_FUNCTIONS = frozenset({"log", "lg", "ln", "sqrt", "min", "max", "exp"})
_BIG_O_TOKEN = re.compile("(?P<word>[A-Za-z]+)(?:_?[0-9]{1,3})?|[0-9]{1,6}|[ +*^()·\u00d7\u22c5./,!'²³√-]")


def big_o(value: str) -> str | None:
    """``value`` as big-O notation (whitespace runs made one space), or None when it is anything else."""
    text = " ".join(value.split())
    if len(text) > MAX_BIG_O_CHARS or len(text) < 4 or not (text.startswith("O(") and text.endswith(")")):
        return None
    at, end = 2, len(text) - 1
    while at < end:
        token = _BIG_O_TOKEN.match(text, at, end)
        if token is None:
            return None
        word = token.group("word")
        if word is not None and len(word) > 1 and word.lower() not in BIG_O_FUNCTIONS:
            return None
        at = token.end()
    return text


# One typed message at most (agent.turns.MAX_TYPED_CHARS); a longer turn is read up to it.
MAX_WORDS_CHARS = 4_000
WINDOW = 8  # words between a complexity and what it measures ("O(n) for both time and space": 3)

PART_WORDS: dict[Part, frozenset[str]] = {
    "time": frozenset({"time", "runtime", "runs", "running", "tiempo", "temporal"}),
    "space": frozenset({"space", "memory", "storage", "auxiliary", "espacio", "espacial", "memoria"}),
}
# Names of a complexity class, as their notation's tokens.
NAMED: dict[str, tuple[str, ...]] = {
    "constant": ("1",),
    "constante": ("1",),
    "linear": ("n",),
    "lineal": ("n",),
    "linearithmic": ("n", "log", "n"),
    "quadratic": ("n", "^", "2"),
    "cuadratica": ("n", "^", "2"),
    "cuadratico": ("n", "^", "2"),
    "cubic": ("n", "^", "3"),
    "cubica": ("n", "^", "3"),
    "cubico": ("n", "^", "3"),
    "logarithmic": ("log", "n"),
    "logaritmica": ("log", "n"),
    "logaritmico": ("log", "n"),
    "exponential": ("2", "^", "n"),
    "exponencial": ("2", "^", "n"),
}
FUNCTIONS = {
    "log": "log",
    "lg": "log",
    "ln": "log",
    "logaritmo": "log",
    "sqrt": "sqrt",
    "min": "min",
    "max": "max",
}
NUMBERS = {"one": "1", "two": "2", "three": "3", "uno": "1", "dos": "2", "tres": "3"}
POWERS = {"squared": "2", "cubed": "3", "cuadrado": "2"}
PRODUCT = frozenset({"times", "by", "por", "*"})
SUM = frozenset({"plus", "mas", "+"})
FILLERS = frozenset({"of", "de", "the", "el", "la", "al"})  # "log of n", "square root of n", "n al cuadrado"
# Single letters that are words of their own: never a size unless an operator asked for one ("n times a").
WORD_LETTERS = frozenset({"a", "i", "o", "y", "e", "u"})
# A size's letter as a transcript may spell its name ("big O of en"): read as the letter where a size is wanted
# (after "O of", an operator or a function), never elsewhere ("o de n en tiempo" keeps its Spanish "en").
LETTER_NAMES = {"en": "n", "kay": "k", "vee": "v", "ene": "n", "eme": "m"}
# Words a transcript may write letter by letter ("b i g o", "l o g n"), read as the word (agent.transcript_forms).
SPELLED_WORDS = frozenset({"big", "log", "sqrt", "time", "space", "memory", "runtime", "linear", "constant"})

_FUNCTION_KEYS = frozenset(FUNCTIONS.values())
_NOTATION = re.compile(r"\bo\s*\(")
# Punctuation is kept as tokens: "O(n) time, O(1) space" puts O(1) further from "time" than O(n) is.
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*|[0-9]+|[\^*+,!.;?]")
_IN_NOTATION = re.compile(r"sqrt|log|lg|ln|min|max|exp|[a-z]|[0-9]+|[\^+,!/]")
_CODE = re.compile(r"```.*?(?:```|$)|/\*.*?(?:\*/|$)|(?:#|//)[^\n]*", re.DOTALL)
# With the pause around it ("O of, uh, n"); never inside notation: "O(hm)" is a claim ("h" times "m").
_HESITATION = re.compile(rf"(?:[,;.…]\s*)?(?<![\w'(*^+/-]){HESITATION_WORDS}(?![\w'()*^+/-])(?:\s*[,;.…])?")
_SIGNS = str.maketrans(
    {"\u00b2": "^2", "\u00b3": "^3", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2212": "-"}
)


@dataclass(frozen=True)
class _Token:
    text: str
    key: tuple[str, ...] | None = None  # a complexity said here, as its notation's tokens


def notation_key(value: str) -> tuple[str, ...]:
    """The tokens of big-O notation's inside ("O(n log n)" -> n, log, n), products and brackets left out: "O(m*n)",
    "O(mn)" and "O(m n)" are one claim."""
    text = value.translate(_SIGNS).lower().replace("**", "^")
    inner = text[text.index("(") + 1 : text.rindex(")")] if "(" in text and ")" in text else text
    tokens = _IN_NOTATION.findall(inner)
    return tuple("log" if t in ("lg", "ln") else t for t in tokens)


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One complexity: the same tokens, or the same in another order when nothing in it depends on the order (an
    exponent or factorial does: n^2 is not 2^n)."""
    if a == b:
        return True
    return not ({"^", "!"} & set(a)) and sorted(a) == sorted(b)


def _plain(words: str) -> str:
    """Lower case, accents off, signs spelt as notation, hesitations ("um", "uh") out; code the candidate typed (a
    fenced block, a comment) left out: a claim is read from their words, never from code."""
    text = _CODE.sub(" ", words[:MAX_WORDS_CHARS]).translate(_SIGNS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    # A hesitation is no word of the claim: "O of, uh, n log n" is "O of n log n" (agent.addressing's one rule);
    # a word read out letter by letter is the word: "b i g o of n" is "big o of n".
    return spelled(_HESITATION.sub(" ", text.lower()), SPELLED_WORDS).replace("**", "^")


def _tokens(words: str) -> list[_Token]:
    """The words, each big-O notation in them ("O(n log n)") one token carrying its key."""
    text, out, at = _plain(words), [], 0
    for m in _NOTATION.finditer(text):
        if m.start() < at:
            continue
        end, depth = m.end(), 1
        while end < len(text) and depth and end - m.end() < 60:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        out += [_Token(t) for t in _TOKEN.findall(text[at : m.start()])]
        if depth == 0 and (key := _inner_key(text[m.end() : end - 1])):
            out.append(_Token("O(...)", key))
        at = end
    out += [_Token(t) for t in _TOKEN.findall(text[at:])]
    return out


_WORD_IN_NOTATION = re.compile(r"[a-z]{2,}")


def _inner_key(inner: str) -> tuple[str, ...]:
    """The key of notation's inside as written: in notation ("n log n", "n^2", "hm"), or in words, as a transcript
    writes "O of n squared" said aloud ("O(n squared)", "O(n times m)"): read as the words after a spoken "O of"."""
    spoken = set(POWERS) | set(NUMBERS) | set(LETTER_NAMES) | PRODUCT | SUM | {"square", "root"}
    if not spoken & set(_WORD_IN_NOTATION.findall(inner)):
        return notation_key(f"({inner})")
    key, _ = _expression([_Token(t) for t in _TOKEN.findall(inner)], 0, bare=False)
    return key


def _operand(tokens: list[_Token], i: int) -> tuple[str, int] | None:
    """A size ("n", "V"), a number ("1", "one") or a function ("log", "square root") at ``tokens[i]``: its key
    token and where it ends; None for anything else."""
    t = tokens[i].text
    nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
    if (t, nxt) in (("square", "root"), ("raiz", "cuadrada")):
        return "sqrt", i + 2
    if t in FUNCTIONS:
        return FUNCTIONS[t], i + 1
    if t.isdigit() or t in NUMBERS:
        return NUMBERS.get(t, t), i + 1
    if len(t) == 1 and t.isalpha():
        return t, i + 1
    return None


def _expression(tokens: list[_Token], at: int, *, bare: bool) -> tuple[tuple[str, ...], int]:
    """A complexity said in words from ``tokens[at]`` ("n log n", "n squared", "m times n", "square root of n"):
    its key (empty for none) and where it ends. ``bare``: not after "O of", so it must start with a size or a
    function and have an operator or function in it, as "n log n" has ("n" alone is a letter in a sentence)."""
    key: list[str] = []
    i, want, operated, end = at, True, False, at
    while i < len(tokens):
        t = tokens[i].text
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        got = _operand(tokens, i)
        if got is None and want and (key or not bare) and t in LETTER_NAMES:
            got = LETTER_NAMES[t], i + 1
        if got is not None and got[0] in _FUNCTION_KEYS:
            if bare and not key and got[0] in ("min", "max"):
                break  # "the max of two values": a sentence's words, not a complexity
            key.append(got[0])  # a function: an operand follows; after an operand, a product ("n log n")
            i, want, operated = got[1], True, True
            if i < len(tokens) and tokens[i].text in FILLERS:
                i += 1
        elif (
            want
            and got is not None
            and (key or (got[0] not in WORD_LETTERS and not (bare and got[0].isdigit())))
        ):
            key.append(got[0])
            i, want, end = got[1], False, got[1]
        elif want:
            break
        elif t in POWERS or (t, nxt) == ("al", "cuadrado"):
            key += ["^", POWERS.get(t, "2")]
            i, operated = i + (1 if t in POWERS else 2), True
            end = i
        elif t in PRODUCT | SUM or t == "^":
            if t in SUM or t == "^":
                key.append("+" if t in SUM else "^")
            i, want, operated = i + 1, True, True
        elif not bare and got is not None and got[0].isalpha() and got[0] not in WORD_LETTERS:
            key.append(got[0])  # "O of n k": a product
            i, end = got[1], got[1]
        else:
            break
    while key and (key[-1] in _FUNCTION_KEYS or key[-1] in ("+", "^")):
        key.pop()
    if not key or (bare and (not operated or len(key) < 2)):
        return (), at
    return tuple(key), end


def mentions(words: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """Where ``words`` state a complexity, and the words for what one measures: (first token, token after the last,
    "time" | "space" | "" for a complexity, its key)."""
    tokens = _tokens(words)
    out: list[tuple[int, int, str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        t, end, part = tokens[i], i + 1, ""
        key: tuple[str, ...] = ()
        if t.key is not None:
            key = t.key
        elif part := next((p for p, ws in PART_WORDS.items() if t.text in ws), ""):
            pass
        elif t.text == "log" and i + 1 < len(tokens) and tokens[i + 1].text in ("linear", "lineal"):
            key, end = NAMED["linearithmic"], i + 2
        elif t.text in NAMED:
            key = NAMED[t.text]
        elif (lead := _lead(tokens, i)) is not None:
            key, end = _expression(tokens, lead, bare=False)
        else:
            key, end = _expression(tokens, i, bare=True)
        if key or part:
            out.append((i, end, part, key))
        i = max(end, i + 1)
    return out


def _lead(tokens: list[_Token], i: int) -> int | None:
    """Where the complexity starts after a spoken "O of", "big O", "order of", "O de", "orden de": else None."""
    words = [t.text for t in tokens[i : i + 3]]
    for lead in (["big", "o", "of"], ["big", "oh", "of"], ["big", "o"], ["big", "oh"], ["bigo", "of"], ["bigo"],
                 ["o", "of"], ["oh", "of"], ["o", "de"], ["order", "of"], ["orden", "de"], ["order"]):  # fmt: skip
        if words[: len(lead)] == lead:
            return i + len(lead)
    # The O said alone before its size, as a transcript writes "O(n)" said aloud: "o n time", "oh n squared", "o
    # one space"). Not after a size ("n o m" is Spanish "n or m"), nor before a letter that is a word ("o a"); "oh"
    # only before a letter or a digit ("oh one more thing" is talk).
    if words[:1] in (["o"], ["oh"]) and i + 1 < len(tokens):
        before = tokens[i - 1].text if i else ""
        nxt = tokens[i + 1].text
        operand = _operand(tokens, i + 1)
        sized = operand is not None and nxt not in WORD_LETTERS and nxt not in ("min", "max")
        sized = sized and (words[0] == "o" or len(nxt) == 1 or nxt.isdigit())
        if (sized or nxt in LETTER_NAMES) and not (len(before) == 1 and before.isalnum()):
            return i + 1
    return None


def stated(words: str, part: Part, value: str) -> bool:
    """Whether ``words`` say ``value`` (big-O notation) for ``part``: a word for what it measures ("time", "space",
    "memory", "runtime") whose nearest complexity, within a few words, is that one ("linear time and constant
    memory": time is O(n), never O(1))."""
    want = notation_key(value)
    if not want:
        return False
    found = mentions(words)
    said = [(start, end, key) for start, end, what, key in found if not what]
    for at, _, what, _ in found:
        if what != part:
            continue
        near = [(start - at if at < start else at - end + 1, key) for start, end, key in said]
        near = [(d, key) for d, key in near if d <= WINDOW]
        if near and any(_same(key, want) for d, key in near if d == min(d for d, _ in near)):
            return True
    return False


def said(words: str, value: str) -> bool:
    """Whether ``words`` say ``value`` (big-O notation) at all, whatever it measures: the complexity phase's check,
    where the interviewer's question says what is measured ("And the space?" "Linear."). The model's own analysis,
    or its correction of what they said ("O(n^2)" recorded as "O(n)"), is not in their words."""
    want = notation_key(value)
    return bool(want) and any(key and _same(key, want) for _, _, what, key in mentions(words) if not what)
