"""How a transcript writes spoken words, read back as the words: the one normalisation the rules that read the
candidate's words share (agent.addressing for requests, agent.complexity_words for complexity claims).

Speech-to-text models, and speakers, differ in how the same words come out: case and accents, sounds of hesitation
("um", "uh"), the commas and stops put at a pause, a word said twice, contractions written out or without their
apostrophe, colloquial and phonetic spellings ("gotta", "hafta", "wanna", "gonna", "lemme"), and a word read out
letter by letter ("b i g o", "B.I.G. O", "s-t-o-p"). None of it is a difference in what was said.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

__all__ = [
    "HESITATION",
    "HESITATION_WORDS",
    "colloquial",
    "normalize",
    "spelled",
]


def normalize(text: str) -> str:
    """Lower case, accents and Spanish inverted marks removed, apostrophes unified, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("¿", " ").replace("¡", " ")
    return " ".join(text.split())


HESITATION_WORDS = r"(?:u+m+|u+h+|e+r+m*|h+m+|m{2,}|a+h+|e+h+|e+m+)"
HESITATION = re.compile(rf"(?<![\w'-]){HESITATION_WORDS}(?![\w'-])")

# Colloquial and phonetic spellings of a few words, each as the words it stands for. Only spellings that are no
# other English or Spanish word: "gotta" is "got to", never "got" alone; "ta" and "too" are left as written.
_COLLOQUIAL = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"\b(?:gotta|gota|godda|goddah|got ta)\b", "got to"),
        (r"\b(?:hafta|haveta|have ta|hafto)\b", "have to"),
        (
            r"\b(?:hasta|hasto)(?= (?:go|leave|run|stop|end|quit|drop|head|hop|jump|log|sign|get|wrap|hang)\b)",
            "has to",
        ),
        (r"\b(?:needa|need ta|neeta)\b", "need to"),
        (r"\b(?:wanna|wana|want ta|wanta)\b", "want to"),
        (r"\b(?:gonna|gona|gunna|goin to|going ta|gon)\b", "going to"),
        (r"\b(?:i'?ma|imma|ima)\b", "i'm going to"),
        (r"\blemme\b", "let me"),
        (r"\bgimme\b", "give me"),
        (r"\bkinda\b", "kind of"),
        (r"\bsorta\b", "sort of"),
        (r"\boughta\b", "ought to"),
        (r"\bbetta\b", "better"),
        (r"\bgood[- ]?b(?:uy|ye|y)\b|\bg'?bye\b", "goodbye"),
        (r"\bbye[- ]bye\b|\bbuh[- ]?bye\b", "bye"),
        (r"\b(?:okey[- ]?dokey|o\.? ?k\.?|okey|okie|kk)(?=[ ,.!?]|$)", "okay"),
        (r"\balright\b", "all right"),
        # "You" said short or typed short, after a verb that asks: "can ya", "could u", "d'you", "wouldja".
        (r"\b(can|could|would|will|do|did|are|have|should|thank|see) (?:ya|u|yah)\b", r"\1 you"),
        (r"\b(?:d'?you|d'?ya|dya|dyou)\b", "do you"),
        (r"\b(could|would|did|should|can)(?:ja|cha|ya)\b", r"\1 you"),
        (r"\bwhadd?(?:ya|aya|ayou)\b", "what do you"),
        # A dropped "g": "givin' up", "I'm leavin", "gotta get goin".
        (r"\b([a-z]+)in'(?= |$|[,.!?])", r"\1ing"),
        (r"\b(giv|leav|go|stopp|quitt|wrapp|head|hopp|dropp|logg|sign|finish|end)in\b", r"\1ing"),
        # "I've got to go", "I got to go", "we've got to stop": an obligation, as "have to".
        (r"\b(i|we|you)(?:'?ve| have)? got to\b", r"\1 have to"),
        (r"\bhave got to\b", "have to"),
    )
)


def colloquial(norm: str) -> str:
    """``norm`` (normalised) with colloquial spellings as the words they stand for: "i gotta go" reads "i have to
    go", "im gonna have to drop" "im going to have to drop"."""
    for pattern, words in _COLLOQUIAL:
        norm = pattern.sub(words, norm)
    return norm


# A letter said alone, as a transcript writes it: "b", "b.", "B" (normalised, lower case).
_LETTER_RUN = re.compile(r"(?<![\w'])(?:[a-z](?:\. ?|-| )){1,}[a-z](?![\w'])")


def spelled(norm: str, words: Collection[str]) -> str:
    """``norm`` with a word said letter by letter read as the word ("b i g o" is "big o", as is "B.I.G. O";
    "s-t-o-p" "stop"), for the ``words`` a rule reads: within a run of single letters, the longest of ``words``
    they spell from each letter on; the other letters stay as said ("o n" stays two letters, the O(n) a complexity
    reader takes it for; "i j k" stays three)."""
    if not words:
        return norm
    longest = max(len(w) for w in words)

    def joined(run: re.Match[str]) -> str:
        letters = re.findall(r"[a-z]", run.group(0))
        out: list[str] = []
        at = 0
        while at < len(letters):
            for size in range(min(longest, len(letters) - at), 1, -1):
                if "".join(letters[at : at + size]) in words:
                    out.append("".join(letters[at : at + size]))
                    at += size
                    break
            else:
                out.append(letters[at])
                at += 1
        return " ".join(out)

    return _LETTER_RUN.sub(joined, norm)
