"""What a quote of the candidate's words may not leave out: the negation, hedge, condition or question that governs it.

"Honestly I don't think my code handles duplicates correctly" holds "my code handles duplicates correctly", word
for word, and that quote says the opposite of what was said: a report that shows it, or credit that rests on it,
has the candidate claim what they denied. So a quote of a transcript line is refused (grader/evidence.py, then the
repair round) when, in the clause it starts in, one of the `SCOPE_WORDS` words just before it governs it ("not",
"n't", "never", "if", "maybe", "I wish", "I thought", "should have"; in Spanish "no", "nunca", "si", "quizás",
"ojalá"...), or when that clause is a question the quote starts inside of ("can I assume the input is sorted?"
quoted as "the input is sorted"). The model quotes from that word on (the meaning then is in the quote, for the
report's reader) or another moment.

A clause here ends at `.`, `,`, `;`, `:`, `?`, `!` (followed by a space or the end), a line break or an ellipsis,
and at a word that turns the sentence ("but", "however", "although", "pero", "sino", "aunque"): "I didn't test it
but my code handles duplicates" quotes "my code handles duplicates". Only the `WITHIN_WORDS` words before the quote
are read: speech comes with little punctuation, and a "no" ten words back rarely governs what a quote starts with.
Not counted, as hedges too common in an interview's plans to refuse ("I think we can use a hash map", "we could
sort it first", "it should be O(n)"): "think", "believe", and the modals other than "might" and their past
("should have", "would have" are counterfactual, and are counted).
"""

from __future__ import annotations

import re

WITHIN_WORDS = 4  # words before the quote, in its clause, that can govern it
LOOK_CHARS = 240  # how far before and after a quote a clause is read (a bound on the work for each match)

SCOPE_WORDS = frozenset(
    """
    not no never neither nor none nobody nothing nowhere without hardly barely scarcely cannot
    dont didnt doesnt cant wont isnt arent wasnt werent havent hasnt hadnt shouldnt wouldnt couldnt aint
    if unless whether maybe perhaps probably possibly hopefully supposedly allegedly might almost nearly
    wish wished hope hoped doubt unsure guess suppose supposing assume assuming pretend thought tried
    should've would've could've might've must've
    nunca jamás jamas tampoco ni nada nadie ningún ningun ninguna ninguno sin si quizás quizas quizá quiza acaso
    ojalá ojala probablemente posiblemente supuestamente dudo supongo suponiendo pensé pense creí crei espero casi
    intenté intente
    """.split()  # noqa: SIM905  # a word list reads better as text
)
COUNTERFACTUAL_MODALS = frozenset(
    {"should", "would", "could", "might", "must", "shouldn't", "wouldn't", "couldn't"}
)
QUESTION_FILLERS = frozenset(
    """
    so and okay ok um uh umm uhm er well then alright oh hmm right now y bueno pues entonces vale eh oye
    """.split()  # noqa: SIM905  # a word list reads better as text
)
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
_CLAUSE_END = re.compile(r"[.,;:?!](?=\s|$)|[\n\u2026\u3002\uff0c\uff1b\uff1a\uff1f\uff01\u00bf\u00a1]")
_TURN = re.compile(r"\b(?:but|however|although|though|pero|sino|aunque)\b", re.I)
_QUESTION_END = re.compile(r"[.,;:?!](?=\s|$)|[\n\u2026\u3002\uff0c\uff1b\uff1a\uff1f\uff01]")


def _paired(words: list[str], at: int) -> bool:
    """`words[at]` governs with the word before it: "should have (tested)", "tal vez"."""
    before = words[at - 1] if at > 0 else ""
    return (words[at] in {"have", "'ve"} and before in COUNTERFACTUAL_MODALS) or (
        words[at] == "vez" and before == "tal"
    )


def _governs(words: list[str], at: int) -> bool:
    return words[at] in SCOPE_WORDS or words[at].endswith("n't") or _paired(words, at)


def cut_away(text: str, start: int, end: int) -> str:
    """What a quote of `text[start:end]` (a transcript line's) leaves out that governs it: the words of its clause
    from the governing one up to the quote (`"don't think my"`), or the words of a question before it; "" if none.
    Reads at most `LOOK_CHARS` either side."""
    before = text[max(0, start - LOOK_CHARS) : start]
    breaks = [(m.end(), m.group(0)) for m in _CLAUSE_END.finditer(before)]
    last = max(breaks + [(m.start(), "") for m in _TURN.finditer(before)], default=(0, ""))
    clause = before[last[0] :]
    words = [(m.start(), m.group(0).lower().replace("\u2019", "'")) for m in _WORD.finditer(clause)]
    said = [w for _, w in words]
    opened = last[1] == "\u00bf"  # a Spanish question opens with its own mark
    after = _QUESTION_END.search(text, start, min(len(text), end + LOOK_CHARS))
    if (opened or (after is not None and after.group(0) in "?\uff1f")) and any(
        w not in QUESTION_FILLERS for w in said
    ):
        return clause.strip()
    for i in range(max(0, len(words) - WITHIN_WORDS), len(words)):
        if _governs(said, i):
            return clause[words[i - 1 if _paired(said, i) else i][0] :].strip()
    if opened and "?" not in text[start:end]:  # "¿uso un hash map?" quoted as "uso un hash map"
        return before[last[0] - 1 :].strip()
    return ""
