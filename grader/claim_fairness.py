"""The scorecard's own words stay within what grading may say of a person: an integrity observation is never a
verdict of misconduct, and nothing is said of the candidate's gender or accent.

The system prompt says both (its Fairness section and its integrity observations: context only, each with innocent
explanations, never deciding a band). This module checks the words, as grader/claims.py checks test counts, so that
a steered or careless model cannot store either for a hiring team to act on:
- **a verdict on an observation** (`integrity_problems`): a text (a justification, a strength, an area, the advice)
  that names a page observation (`OBSERVED`: a paste, focus lost, leaving the page or switching tabs, devtools, a
  fast insertion) and a finding of misconduct (`MISCONDUCT`: cheated, plagiarised, dishonest, outside help, used
  ChatGPT, someone else's work), the finding not denied ("no evidence of cheating", "does not by itself suggest
  outside help"). The observations may be mentioned, as the record shows them ("a 400-character paste at 300 s the
  candidate then explained line by line"); what they mean is for a person to judge. A finding of misconduct with no
  observation in its text ("hard-coded the expected outputs, cheating the tests") is the record's code and stays.
- **the candidate's gender or accent** (`identity_problems`): a gendered pronoun ("he", "her": the model read
  `[they]`, and anything else is a guess), or their accent, fluency as a native or non-native speaker, or "broken
  English". Clarity of explanation is assessed; where someone's English comes from is not. A pronoun of the
  question's own statement ("each person and her friends") stays, as the redaction keeps the statement's words, and
  so does one inside a quote of the candidate's own words, or Spanish "he" before a participle ("he usado").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A page observation (grader/bundle.py `_integrity`: paste, fast insertion, focus lost, page hidden, devtools), named
# as the scorecard would: "pasted", "lost focus", "switched tabs", "left the page", "opened the developer tools".
OBSERVED = re.compile(
    r"\b(?:(?:copy[\s-]*)?past(?:e|es|ed|ing)\b|focus[\s_-]*(?:loss|lost|changes?)\b|(?:lost|losing|loses|loss\s+of)"
    r"\s+(?:window\s+|page\s+|editor\s+)?focus\b|page[\s_-]*hidden\b|hid(?:den|ing)?\s+the\s+page\b"
    r"|switch(?:ed|es|ing)?\s+(?:between\s+)?(?:tabs?|windows?|away)\b|tab[\s-]*switch\w*|(?:another|other|a\s+"
    r"different)\s+(?:browser\s+)?(?:tab|window)s?\b|(?:left|leaving|leaves)\s+the\s+(?:page|tab|window)\b|away\s+"
    r"from\s+the\s+(?:page|tab|window|editor)\b|dev\s*tools\b|developer\s+tools\b|fast[\s_-]*insertions?\b"
    r"|integrity\s+(?:observations?|signals?|events?|flags?)\b|peg(?:ó|o|ar|ado|ada|aba)\b|pestañas?\b)",
    re.IGNORECASE,
)
# A finding of misconduct, in English and Spanish.
MISCONDUCT = re.compile(
    r"\b(?:cheat\w*|plagi\w*|dishonest\w*|deshonest\w*|fraud\w*|misconduct|decepti(?:on|ve)\b|deceiv\w*|trampas?"
    r"|(?:outside|external|unauthori[sz]ed|third[\s-]party|unpermitted|illicit)\s+(?:help|assistance|aid|resources?"
    r"|sources?|tools?)\b|ayuda\s+externa|chat\s*gpt\w*|copilot\w*|(?:used|using|use\s+of|help\s+from|generated\s+by"
    r"|written\s+by|produced\s+by)\s+(?:an?\s+|the\s+)?(?:ai|llm|gpt[\w.-]*|language\s+model)\b(?!\s+interviewer)"
    r"|ai[\s-]+(?:generated|written|assisted)\b|looked\s+up\s+(?:the\s+)?(?:answer|solution)|cop(?:ied|ying)\s+"
    r"(?:it\s+|the\s+(?:solution|answer|code)\s+)?from\b|not\s+(?:their|the\s+candidate's)\s+own\s+(?:work|code"
    r"|solution)|some(?:one|body)\s+else)",
    re.IGNORECASE,
)
# A denial before the finding in its clause: "no evidence of cheating", "does not by itself suggest outside help";
# not one that asserts it ("no doubt", "without question", "not only ... but", "nothing but").
DENIED = re.compile(
    r"(?:\b(?:not|never|no|nor|without|nothing|neither|none|sin|ni|nunca|tampoco)\b|n't)"
    r"(?!\s+(?:a\s+)?(?:doubt|question|wonder|surprise|only|just|merely|but|mistaking|denying)\b)"
    r"(?:\s+[\w'-]+){0,5}\s*\Z",
    re.IGNORECASE,
)
DENIAL_REACH = 80  # characters before a finding where its denial is looked for: six words, generously
CLAUSE_BREAK = re.compile(r"[.;:!?,\u2014]\s|\n")

# Not Spanish "he" before a participle ("he usado", "he probado": I have used, tried), the scorecard's or a quote's.
PRONOUNS = re.compile(
    r"\b(?:he(?!\s+(?:\w+(?:ado|ido|ído)|hecho|dicho|visto|escrito|puesto|vuelto|devuelto|roto|abierto"
    r"|resuelto|descubierto|impreso)\b)|she|him|his|her|hers|himself|herself)\b",
    re.IGNORECASE,
)
# The candidate's own words quoted in a text ("said 'my friend, he suggested a heap'") are theirs, not the grader's
# description of them: a pronoun there gives the candidate no gender. Bounded: a quote of at most 400 characters.
QUOTED = re.compile(r"\"[^\"\n]{0,400}\"|“[^”\n]{0,400}”|(?<!\w)'[^'\n]{0,400}'(?!\w)|«[^»\n]{0,400}»")
ACCENT = re.compile(
    r"\b(?:accents?\b(?!\s*(?:marks?|characters?|letters?|\())|accented\s+(?:english|speech)\b|non[\s-]?native\b"
    r"|native\s+(?:english\s+|spanish\s+)?speakers?\b|(?:mother|native)\s+tongue\b|language\s+barriers?\b"
    r"|(?:broken|limited|poor|weak|imperfect|halting)\s+english\b|english\s+(?:is|was)(?:\s+not|n't)\b"
    r"|acento\b|no\s+nativ[oa]\b|hablante\s+nativ[oa]\b)",
    re.IGNORECASE,
)


def _found(text: str) -> str | None:
    """The first finding of misconduct in `text` that no denial before it in its clause takes back."""
    for m in MISCONDUCT.finditer(text):
        if m.group(0).lower().startswith("not "):
            return m.group(0)
        # Bounded: each finding reads its own window, not its whole clause (quadratic in a long one).
        before = text[max(0, m.start() - DENIAL_REACH) : m.start()]
        breaks = [b.end() for b in CLAUSE_BREAK.finditer(before)]
        if not DENIED.search(before[breaks[-1] if breaks else 0 :]):
            return m.group(0)
    return None


def integrity_problems(texts: Iterable[tuple[str, str]]) -> list[str]:
    """Texts (`(where, text)`) that name a page observation and state misconduct (the module's first rule)."""
    problems = []
    for where, text in texts:
        observed = OBSERVED.search(text)
        finding = _found(text) if observed else None
        if observed and finding:
            problems.append(
                f"- {where}: it states {finding!r} where it names an integrity observation ({observed.group(0)!r}): "
                "the page's observations have innocent explanations and are never a finding of misconduct; say "
                "what the record shows (what was pasted when, whether the candidate could explain that code), not "
                "what it means about their honesty"
            )
    return problems


def identity_problems(texts: Iterable[tuple[str, str]], statement: str = "") -> list[str]:
    """Texts (`(where, text)`) that give the candidate a gender or speak of their accent (the module's second rule);
    a pronoun of the question's `statement` stays."""
    theirs = {m.group(0).lower() for m in PRONOUNS.finditer(statement)}
    problems = []
    for where, text in texts:
        unquoted = QUOTED.sub(" ", text)
        pronoun = next(
            (m.group(0) for m in PRONOUNS.finditer(unquoted) if m.group(0).lower() not in theirs), None
        )
        accent = ACCENT.search(text)
        if pronoun:
            problems.append(
                f"- {where}: it calls the candidate {pronoun!r}: grading is blind to gender; write 'they' or 'the "
                "candidate'"
            )
        if accent:
            problems.append(
                f"- {where}: it speaks of {accent.group(0)!r}: never mention the candidate's accent or whether "
                "English is their first language; assess only how clearly they explained their thinking"
            )
    return problems
