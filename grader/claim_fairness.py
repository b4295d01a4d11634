"""The scorecard's own words stay within what grading may say of a person: an integrity observation is never a
verdict of misconduct, and nothing is said of the candidate's gender or accent.

The system prompt says both (its Fairness section and its integrity observations: context only, each with innocent
explanations, never deciding a band). This module checks the words, as grader/claims.py checks test counts, so that
a steered or careless model cannot store either for a hiring team to act on:
- **a verdict on an observation** (`integrity_problems`): a text (a justification, a strength, an area, the advice)
  that names a page observation (`OBSERVED`: a paste, focus lost, leaving the page or switching tabs, devtools, a
  fast insertion) and a finding of misconduct (`MISCONDUCT`: cheated, plagiarised, dishonest, outside help, used
  ChatGPT, someone else's work, not their own), the finding not denied ("no evidence of cheating", "does not by
  itself suggest outside help"; a double negative, "could not have done it without outside help", denies nothing).
  The observations may be mentioned, as the record shows them ("a 400-character paste at 300 s the candidate then
  explained line by line"); what they mean is for a person to judge. A finding of misconduct with no observation in
  its text ("hard-coded the expected outputs, cheating the tests") is the record's code and stays.
- **the candidate's gender or accent** (`identity_problems`): a gendered pronoun ("he", "her",
  Spanish "él", "ella": the model read `[they]`, and anything else is a guess), a gendered title or noun for a person
  (`GENDERED`, `HONORIFICS`: "Mr", "Ms", "sir", "ma'am", "guy", "girl", "lady", "gentleman", Spanish "señora",
  "hombre"), or their accent, pronunciation, fluency as a native or non-native speaker, or "broken English". Clarity
  of explanation is assessed; where someone's English comes from is not. Spanish genders every noun by grammar: the
  scorecard calls every candidate "el candidato" (the generic masculine, which says nothing when it is said of
  everyone) or "la persona candidata", so a feminine form for the candidate ("la candidata", "una programadora")
  tells their gender and the masculine generic does not; a form that is male by meaning ("señor", "hombre") does.
  A pronoun or noun of the question's own statement stays where the text repeats the statement's words ("each
  person and her friends", "a man, a plan"; "her code" is still the model's), and so does Spanish "he" before a
  participle ("he usado").
Words inside a quote (`QUOTED`: quotation marks, guillemets or backticks) are the record's, not the grader's, only
when the quote is of two words or more and the record the model read has them (`record`, the bundle's interview and
the statement: a pronoun in the candidate's code, a word they said); a quote the record does not have ("the
candidate ('he') ...", scare quotes round "cheated") is the grader's own words. Every text is read as displayed
(`fold`): invisible characters (grader/invisible.py), compatibility forms (full-width letters) and Cyrillic or Greek
look-alikes in a Latin word do not split or disguise a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from grader.invisible import IGNORABLE
from grader.matching_form import latin_look_alikes, short_runs

# A page observation (grader/bundle.py `_integrity`: paste, fast insertion, focus lost, page hidden, devtools), named
# as the scorecard would: "pasted", "lost focus", "switched tabs", "left the page", "opened the developer tools",
# and in Spanish, the interview's other language ("pegó", "cambió de pestaña", "perdió el foco").
OBSERVED = re.compile(
    r"\b(?:(?:copy[\s-]*)?past(?:e|es|ed|ing)\b|focus[\s_-]*(?:loss|lost|changes?)\b|(?:lost|losing|loses|loss\s+of)"
    r"\s+(?:window\s+|page\s+|editor\s+)?focus\b|page[\s_-]*hidden\b|hid(?:den|ing)?\s+the\s+page\b"
    r"|switch(?:ed|es|ing)?\s+(?:between\s+)?(?:tabs?|windows?|away)\b|tab[\s-]*switch\w*|(?:another|other|a\s+"
    r"different)\s+(?:browser\s+)?(?:tab|window)s?\b|(?:left|leaving|leaves)\s+the\s+(?:page|tab|window)\b|away\s+"
    r"from\s+the\s+(?:page|tab|window|editor)\b|dev\s*tools\b|developer\s+tools\b|fast[\s_-]*insertions?\b"
    r"|tabbed\s+(?:away|out)\b|alt[\s-]*tab\b|clipboard\b|(?:appeared|arrived|inserted)\s+all\s+at\s+once\b"
    r"|integrity\s+(?:observations?|signals?|events?|flags?)\b|peg(?:ó|o|ar|ado|ada|aba|aron)\b|pestañas?\b"
    r"|(?:perdi\w*|pérdida)\s+(?:de\s+|del\s+)?(?:el\s+)?foco\b|herramientas\s+de\s+desarrollo(?:r|dor)?\b"
    r"|(?:sali[óo]|dej[óo]|abandon[óo])\s+(?:de\s+)?la\s+(?:página|pagina|ventana)\b|inserci[óo]n\s+r[áa]pida)",
    re.IGNORECASE,
)
# A finding of misconduct, in English and Spanish.
MISCONDUCT = re.compile(
    r"\b(?:cheat\w*|plagi\w*|dishonest\w*|deshonest\w*|fraud\w*|misconduct|decepti(?:on|ve)\b|deceiv\w*|trampas?"
    r"|(?:outside|external|unauthori[sz]ed|third[\s-]party|unpermitted|illicit)\s+(?:help|assistance|aid|resources?"
    r"|sources?|tools?)\b|ayuda\s+externa|chat\s*gpt\w*|copilot\w*|claude\b|gemini\b"
    r"|(?:used|using|use\s+of|help\s+from|generated\s+by|written\s+by|produced\s+by|with)\s+(?:an?\s+|the\s+)?"
    r"(?:ai|llm|gpt[\w.-]*|language\s+model)\b(?!\s+interviewer)|(?:ai|llm|gpt)[\s-]+(?:generated|written|assisted"
    r"|produced)\b|an?\s+ai\s+(?:tool|assistant|chatbot|model|helper)s?\b|looked\s+up\s+(?:the\s+)?(?:answer"
    r"|solution)|(?:googl\w+|searched)\s+(?:for\s+|up\s+)?(?:the\s+)?(?:answer|solution)s?\b|cop(?:ied|ying)\s+"
    r"(?:it\s+|the\s+(?:solution|answer|code)\s+)?from\b|cop(?:ied|ying)\s+(?:the\s+|a\s+)?(?:solution|answer)s?\b"
    r"|not\s+(?:entirely\s+|really\s+|actually\s+|truly\s+|all\s+)?(?:their|the\s+candidate's|\[candidate\]'s"
    r"|\[their\])\s+own\b|some(?:one|body)\s+else|impersonat\w*|collu(?:sion|ded|ding)\b|suspicious\w*"
    r"|inauthentic\b|not\s+(?:genuine|authentic)\b|cop(?:ió|io|iado|iar)\s+(?:la\s+)?(?:soluci[óo]n|respuesta)"
    r"|no\s+(?:es|era|fue)\s+su\s+propi[oa]|otra\s+persona\b|alguien\s+m[áa]s\b|inteligencia\s+artificial\b"
    r"|sospech\w*)|n't\s+(?:entirely\s+|really\s+|actually\s+|truly\s+|all\s+)?(?:their|the\s+candidate's"
    r"|\[candidate\]'s|\[their\])\s+own\b",
    re.IGNORECASE,
)
# A negation that can take back a finding: "no evidence of cheating", "does not by itself suggest outside help";
# not one that asserts it ("no doubt", "without question", "not only ... but", "nothing but", "not hard to see").
# "nor" and "ni" pair with a "neither" or "ni" before them and do not count again.
NEGATION = re.compile(
    r"(?:\b(?:not|never|no|without|nothing|neither|none|sin|nunca|tampoco)\b|n't)"
    r"(?!\s+(?:a\s+)?(?:doubt|question|wonder|surprise|surprising\w*|only|just|merely|but|mistaking|denying|hard"
    r"|difficult|unlikely|coincidence|coincidental|accident\w*|other|way)\b)",
    re.IGNORECASE,
)
DENIED = re.compile(r"(?:\b(?:nor|ni)\b|" + NEGATION.pattern + r")(?:\s+[\w'-]+){0,5}\s*\Z", re.IGNORECASE)
DENIAL_REACH = 80  # characters before a finding where its denial is looked for: six words, generously
# "Neither X nor Y is evidence of cheating": a correlative negation denies the predicate after its last member,
# however long the members ("the 40-character paste at 150 s"), and a comma may set a member off ("Neither the
# paste, nor the tab switch, is ..."). Not past a new clause (a conjunction, a comma before anything but the
# predicate's verb, a sentence's end), nor with a negation of its own after the "nor" ("nor Y could have been done
# without outside help" asserts it): "Neither the paste nor the switch was explained and they cheated" is a verdict.
SENTENCE_BREAK = re.compile(r"[.;:!?](?:\s|\Z)|\n")
NEITHER = re.compile(r"\b(?:neither|ni)\b", re.IGNORECASE)
NOR = re.compile(r"\b(?:nor|ni)\b", re.IGNORECASE)
# What may follow the last member's "nor": words, and a comma only before the predicate's verb.
PREDICATE = re.compile(
    r"(?:[^,]|,\s*(?=(?:is|are|was|were|does|do|did|suggests?|shows?|indicates?|proves?|implies|means|son|es|fue"
    r"|fueron|indica|indican|muestra|muestran|prueba|prueban)\b))*",
    re.IGNORECASE,
)
NEW_CLAUSE = re.compile(
    r"\b(?:and|but|so|yet|then|thus|therefore|hence|because|since|while|whereas|although|though|however|y|pero"
    r"|porque|entonces|aunque|sino|as[ií])\b",
    re.IGNORECASE,
)
# Between two findings, an "or" that joins them: "cheating or outside help", "cheating, or plagiarism", "trampa ni
# ayuda externa"; not a comma alone ("no cheating, plagiarism is clear"), nor "and" with a clause of its own.
OR_JOINED = re.compile(r"\s*,?\s+(?:or|nor|o|u|ni)\s+(?:(?:of|any|other|de|otra|otro)\s+)?", re.IGNORECASE)
# After the "nor", words that make the correlative assert the finding rather than deny it, as `NEGATION` leaves
# alone after a "no": "Neither X nor Y leaves any doubt about cheating", "... can be read other than as outside help",
# "... is a coincidence".
ASSERTING = re.compile(
    r"\b(?:doubts?|doubtful|question(?:able)?|other\s+than|otherwise|except|besides|apart\s+from|mistaking|deny\w*"
    r"|coinciden\w*|accident\w*|dudas?|salvo|excepto|m[aá]s\s+que|otra\s+cosa)\b",
    re.IGNORECASE,
)
# Characters before a finding where a "neither ... nor" is looked for: two long members and the predicate.
CORRELATIVE_REACH = 240
CLAUSE_BREAK = re.compile(r"[.;:!?,\u2014]\s|\n")

# Not Spanish "he" before a participle ("he usado", "he probado": I have used, tried), the scorecard's or a quote's.
PRONOUNS = re.compile(
    r"\b(?:he(?!\s+(?:\w+(?:ado|ido|ído)|hecho|dicho|visto|escrito|puesto|vuelto|devuelto|roto|abierto"
    r"|resuelto|descubierto|impreso)\b)|she|him|his|her|hers|himself|herself|él|ella)\b",
    re.IGNORECASE,
)
# A gendered title or noun for a person, in English and Spanish (grader/gendered.py has the words the record's own
# text had, replaced before the model read it). Not "man" of "man page", "man-in-the-middle" or "man-hours", nor
# the last part of a compound or a name ("Pac-Man", "Spider-Man"), nor of "straw man" and "middle man"; not
# Spanish "chico"/"chica" ("small") or "dama" (a draughts or chess piece); the masculine "candidato", "programador"
# are the generic form (the module's docstring). A feminine role only after its article or determiner ("la
# candidata", "una programadora"): "la solución candidata", "la persona candidata", "la empresa desarrolladora" are
# adjectives.
GENDERED = re.compile(
    r"\b(?:sirs?|ma'?am|madam(?:e|s)?|mister|missus|gentlem[ae]n|lad(?:y|ies)|guys?|gals?|girls?|boys?|lads?"
    r"|lass(?:es)?|wom[ae]n|(?<!-)(?<!straw\s)(?<!middle\s)m[ae]n(?![\s-]+(?:pages?|in[\s-]+the[\s-]+middle|hours?"
    r"|days?|weeks?|months?|years?|made)\b)|males?|females?|dudes?|fellas?|se[ñn]or(?:a|as|es|ita|itas)?|caballeros?|hombres?|mujer(?:es)?"
    r"|(?:la|las|una|unas|esta|estas|esa|esas)\s+(?:candidatas?|entrevistadas?|programadoras?|desarrolladoras?"
    r"|ingenieras?))\b",
    re.IGNORECASE,
)
# An abbreviated honorific, as written only ("ms", "MS" and "a cache miss" are technical), before a name, a
# placeholder or a capital: "Ms. [candidate]", "Mr Candidate", Spanish "Sra." (not "Sr.": also "Senior"); not the
# game's title "Ms. Pac-Man".
HONORIFICS = re.compile(
    r"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Messrs|Mme|Mlle|Sra|Srta)\.?(?=\s*(?:\[|[A-ZÁÉÍÓÚÑ]))(?!\.?\s*Pac[\s-]?Man\b)"
)
# A quote in a text: the candidate's words or code, the statement's, a program's output, when the record has them
# (`unquoted`). Bounded: a quote of at most 400 characters.
QUOTED = re.compile(
    r"\"([^\"\n]{1,400})\"|“([^”\n]{1,400})”|(?<!\w)'([^'\n]{1,400})'(?!\w)|«([^»\n]{1,400})»|`([^`\n]{1,400})`"
)
ACCENT = re.compile(
    r"(?:\b|(?=n't))(?:accents?\b(?!\s*(?:marks?|characters?|letters?|\(|from\b|on\s+(?:the\s+)?(?:letters?|characters?"
    r"|vowels?)\b|in\s+(?:the\s+|a\s+)?(?:input|string|text|word|name)s?\b))|accented\s+(?:english|speech)\b"
    r"|non[\s-]?native\b|native\s+(?:english\s+|spanish\s+)?speakers?\b|(?:mother|native)\s+tongue\b"
    r"|language\s+barriers?\b|(?:broken|limited|poor|weak|imperfect|halting)\s+english\b"
    r"|english\s+(?:is|was)(?:\s+not|n't)\b|(?:english|spanish)\s+(?:is|was)\s+(?:[\w'-]+\s+){0,2}(?:second|foreign"
    r"|additional)\s+language\b|(?:english|spanish)\s+as\s+an?\s+(?:second|foreign|additional)\s+"
    r"language\b|esl\b|(?:english|spanish|language)\s+(?:fluency|proficiency)\b|(?:fluen(?:t|cy)|proficien(?:t|cy))"
    r"\s+in\s+(?:english|spanish)\b|(?:not\b|(?<=\w)n't)\s+(?:very\s+|entirely\s+|fully\s+)?fluent\b(?!\s+(?:in|with)\b)"
    r"|(?:mis)?pronunciation\b|mispronounc\w*|(?:their|his|her|\[their\])\s+(?:spoken\s+)?(?:english|spanish)\b"
    r"(?!\s+(?:explanations?|words?|variables?|names?|comments?|identifiers?|version)\b)"
    r"|acento\b|no\s+nativ[oa]\b|hablante\s+nativ[oa]\b|nivel\s+de\s+ingl[ée]s\b|dominio\s+del\s+ingl[ée]s\b"
    r"|ingl[ée]s\s+(?:limitado|deficiente|pobre|b[áa]sico|roto|imperfecto)\b|pronunciaci[óo]n\b)",
    re.IGNORECASE,
)
# Accents of text, not of a person: "strings with accents", "strip the accents", "normalised accented letters".
TEXT_ACCENTS = re.compile(
    r"\b(?:strip\w*|remov\w*|fold\w*|ignor\w*|normali[sz]\w*|drop\w*|diacritic\w*|unicode|letters?|characters?"
    r"|strings?|words?|text|input|names?|vowels?)\s+(?:[\w'-]+\s+){0,2}\Z",
    re.IGNORECASE,
)
_INVISIBLE = re.compile(f"[{IGNORABLE}]")


def fold(text: str) -> str:
    """`text` as it reads: compatibility forms as their letters (full-width "he" is "he"), a curly apostrophe as
    "'", invisible characters and stray combining marks dropped ("h\u200be", "h\u0301e"), and Cyrillic or Greek
    look-alikes in a Latin word as Latin; a long run of one separator as its ends (grader/matching_form.py
    `LONG_RUN`: the checks' patterns read such a run in time that grows with its square)."""
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    text = "".join(c for c in _INVISIBLE.sub("", text) if unicodedata.category(c) != "Mn")
    return short_runs(latin_look_alikes(text))


@lru_cache(maxsize=4)
def record_of(*texts: str) -> str:
    """The record the model read (the bundle's interview, the statement), folded, lower case and with every run of
    whitespace one space: what a quote of it is looked for in. Cached: every sample checks against one record."""
    return " ".join(fold("\n".join(texts)).lower().split())


def unquoted(text: str, record: str) -> str:
    """`text` with each quote of two words or more that the record has (as a whole, word for word) blanked: a
    single word ("cheated", "she") is found in too many records to be anyone's quote."""

    def blank(m: re.Match[str]) -> str:
        said = " ".join(next(g for g in m.groups() if g is not None).lower().split())
        return " " * len(m.group(0)) if " " in said and _in_record(said, record) else m.group(0)

    return QUOTED.sub(blank, text)


@lru_cache(maxsize=1024)
def _in_record(said: str, record: str) -> bool:
    """Whether `record` has `said` as whole words. A plain search first (fast over a long record), then the words'
    edges at each place found; cached, as both rules read the same quotes of every sample."""
    at = record.find(said)
    while at >= 0:
        end = at + len(said)
        if not (at and _wordish(record[at - 1]) and _wordish(said[0])) and not (
            end < len(record) and _wordish(record[end]) and _wordish(said[-1])
        ):
            return True
        at = record.find(said, at + 1)
    return False


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def denied(before: str) -> bool:
    """Whether the clause before a finding takes it back: a negation within six words of it, and an odd number of
    them in the clause ("could not have ... without outside help" asserts it)."""
    breaks = [b.end() for b in CLAUSE_BREAK.finditer(before)]
    clause = before[breaks[-1] if breaks else 0 :]
    return bool(DENIED.search(clause)) and len(NEGATION.findall(clause)) % 2 == 1


def _correlative(before: str) -> bool:
    """Whether a "neither ... nor ..." before a finding, in its sentence, denies it: the words after the last "nor"
    hold no new clause and no negation of their own (`NEW_CLAUSE`, `PREDICATE`), and are few enough to be one member
    and the predicate. Linear in `before`: no pattern here backtracks over the window."""
    breaks = [b.end() for b in SENTENCE_BREAK.finditer(before)]
    sentence = before[breaks[-1] if breaks else 0 :]
    nors = list(NOR.finditer(sentence))
    nor = nors[-1] if nors else None
    if nor is None or not NEITHER.search(sentence, 0, nor.start()):
        return False
    rest = sentence[nor.end() :]
    return (
        len(rest.split()) <= 14
        and PREDICATE.fullmatch(rest) is not None
        and not NEW_CLAUSE.search(rest)
        and not NEGATION.search(rest)
        and not ASSERTING.search(rest)
    )


def _found(text: str) -> str | None:
    """The first finding of misconduct in `text` that no denial before it in its clause takes back."""
    last = 0
    for m in MISCONDUCT.finditer(text):
        # Bounded: each finding reads its own window, not its whole clause (quadratic in a long one), and not past
        # the finding before it, whose denial is its own ("no X, no Y").
        # A finding joined by "or" to the denied one before it is denied with it ("no evidence of cheating or
        # outside help"): every finding before this one was denied, or it would have been returned.
        if not (
            (last and OR_JOINED.fullmatch(text, last, m.start()))
            or denied(text[max(last, m.start() - DENIAL_REACH) : m.start()])
            or _correlative(text[max(last, m.start() - CORRELATIVE_REACH) : m.start()])
        ):
            return m.group(0)
        last = m.end()
    return None


def integrity_problems(texts: Iterable[tuple[str, str]], record: str = "") -> list[str]:
    """Texts (`(where, text)`) that name a page observation and state misconduct (the module's first rule);
    `record` (`record_of`) holds what a quote may repeat."""
    problems = []
    for where, text in texts:
        folded = fold(text)
        observed = OBSERVED.search(folded)
        finding = _found(unquoted(folded, record)) if observed else None
        if observed and finding:
            problems.append(
                f"- {where}: it states {finding!r} where it names an integrity observation ({observed.group(0)!r}): "
                "the page's observations have innocent explanations and are never a finding of misconduct; say "
                "what the record shows (what was pasted when, whether the candidate could explain that code), not "
                "what it means about their honesty"
            )
    return problems


def _statements(m: re.Match[str], text: str, statement: str) -> bool:
    """Whether the pronoun `m` stands in words of the question's statement: it and the word before or after it."""
    before = re.search(r"([\w'-]+)\s+\Z", text[: m.start()])
    after = re.match(r"\s+([\w'-]+)", text[m.end() :])
    word = m.group(0).lower()
    pairs = [f"{before.group(1).lower()} {word}"] if before else []
    pairs += [f"{word} {after.group(1).lower()}"] if after else []
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", statement) for p in pairs)


def identity_problems(texts: Iterable[tuple[str, str]], statement: str = "", record: str = "") -> list[str]:
    """Texts (`(where, text)`) that give the candidate a gender or speak of their accent (the module's second rule);
    a pronoun or a gendered noun in words of the question's `statement`, or in a quote `record` (`record_of`) has,
    stays."""
    said = record_of(statement)
    problems = []
    for where, text in texts:
        plain = unquoted(fold(text), record)
        gendered = sorted(
            (*PRONOUNS.finditer(plain), *GENDERED.finditer(plain), *HONORIFICS.finditer(plain)),
            key=lambda m: m.start(),
        )
        pronoun = next((m.group(0) for m in gendered if not _statements(m, plain, said)), None)
        # A quote is no excuse here: the candidate's "sorry for my accent", repeated, still speaks of it.
        folded = fold(text)
        accent = next(
            (
                m.group(0)
                for m in ACCENT.finditer(folded)
                if not (m.group(0).lower().startswith("accent") and TEXT_ACCENTS.search(folded[: m.start()]))
            ),
            None,
        )
        if pronoun:
            problems.append(
                f"- {where}: it calls the candidate {pronoun!r}: grading is blind to gender; write 'they' or 'the "
                "candidate' (in Spanish 'el candidato' or 'la persona candidata', as for every candidate), with no "
                "title or gendered noun"
            )
        if accent:
            problems.append(
                f"- {where}: it speaks of {accent!r}: never mention the candidate's accent or whether English is "
                "their first language; assess only how clearly they explained their thinking"
            )
    return problems
