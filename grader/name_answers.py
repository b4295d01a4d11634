"""The candidate's known name in lower case answering the interviewer's question for it (grader/bundle.py): "What's
your name?" then "will strong", "How should I call you?" then "yeah, will is fine".

The name on file whose words are everyday ones ("Will Strong", "Hope Young") is replaced in lower case only where a
cue reads a name (grader/known_cased.py), and each transcript line is redacted alone, so an answer to the
interviewer's question, whose cue is the question in the line before, kept it. Here a candidate's line that comes
right after an interviewer's line ending in a question for their name is read as said after "my name is" (after the
answer's opening words: "yeah,", "um it's", "sure, I'm"), and only the name on file that the cue rules then read is
replaced (`Redactor.answered_name`): the same words answering any other question, or after another line between,
stay ("How would you test it?" then "i will strongly test the empty list").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from grader.line_pairs import EDGE_CHARS, Span
from grader.name_rules import NAME

# A question for the candidate's name, in the last sentence of the interviewer's line.
NAME_QUESTION = re.compile(
    r"\b(?:what(?:'s|\s+is|\s+was|\s+were)\s+(?:your|ur)\s+(?:(?:full|first|preferred|last)\s+)?name"
    r"|(?:how|what)\s+(?:should|do|would|can|shall|may)\s+(?:i|we)\s+(?:call|address|refer\s+to)\s+you"
    r"|(?:tell|give)\s+me\s+your\s+(?:(?:full|first|preferred)\s+)?name"
    r"|who\s+(?:am\s+i|i'm|are\s+we)\s+(?:speaking|talking)\s+(?:to|with)"
    r"|(?:say|spell|repeat)\s+your\s+(?:(?:full|first)\s+)?name"
    r"|c[oó]mo\s+te\s+llamas|cu[aá]l\s+es\s+tu\s+nombre|c[oó]mo\s+(?:te|le)\s+(?:llamo|puedo\s+llamar))\b"
    r"[^.!?]*\?[\s\"')]*\Z",
    re.IGNORECASE,
)
# What opens an answer before the name: "yeah,", "um it's", "sure, I'm", "you can call me".
ANSWER_OPENING = re.compile(
    r"(?:[\s,.!\-]*(?:yeah|yes|yep|sure|ok|okay|um+|uh+|er+|erm|so|well|oh|hi|hello|hey|sorry|it's|it\s+is|its"
    r"|i'm|i\s+am|im|my\s+name\s+is|my\s+name's|(?:you\s+can\s+|please\s+|just\s+)*call\s+me|just|me\s+llamo|soy)"
    r"(?![\w'-]))*[\s,.!\-]*",
    re.IGNORECASE,
)
QUESTION_CHARS = 200  # of the interviewer's line read for the question


def answer_spans(
    lines: Sequence[tuple[int, str, str]], answered: Callable[[str], list[tuple[int, int]]]
) -> dict[int, list[Span]]:
    """For `(seq, speaker, text)` in order, the spans of the name on file (`answered`) in each candidate line that
    answers the interviewer's question for their name in the line right before it."""
    extra: dict[int, list[Span]] = {}
    for (_, who_a, a), (seq_b, who_b, b) in itertools.pairwise(lines):
        if who_a != "assistant" or who_b != "user" or not NAME_QUESTION.search(a[-QUESTION_CHARS:]):
            continue
        spans = answered(b[: EDGE_CHARS * 2])
        if spans:
            extra[seq_b] = [(start, end, NAME) for start, end in spans]
    return extra
