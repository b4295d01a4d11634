"""A name not on file that the candidate introduces themselves by without the word "name" (grader/redact.py): "I'm
Priya", "Hi, this is Priya Raman.", "Hi, Priya here", "Priya speaking", "soy Priya", "je suis Priya", "ich bin Priya",
"eu sou a Priya", "I'm P R I Y A", "Priya's my name", "Candidate: Priya Raman", and in a comment a sign-off ("#
Thanks, Priya") (`[candidate]`, the name only).

What decides, since "I'm stuck", "this is Python" and "Recursion here" are said the same way: one to three words
written as a name (a capital, then at least one lower-case letter: `BFS`, `DP` and `O(n)` are not), none of them a
word that is said there and is not a name (`NOT_NAMES`: "I'm Sorry", "I'm Fine", a language, an algorithm's
eponym), and the clause ends right after them (punctuation, the end, or "and", "from", "here", "speaking", "by the
way": "I'm Python-first", "soy Java dev", "I'm Google certified" stay). After "this is" or "it's", only with a
greeting before ("Hi, this is Priya") or "here"/"speaking" after; a name alone before "speaking" only where a clause
opens ("Okay. Priya speaking"; in a comment not right after its `#`: "# Checked here" is what comments say), and
before "here" only after a greeting ("Hi, Priya here": "Return here." and "Insert here" are orders). A title before
the name stays ("I'm Dr. Priya").

Weaker forms, with no word that says a name follows, whose words must also pass grader/intro_words.py (`weak_name`:
none a listed state, type, library or problem word, a participle, an adjective by its ending, a type's inner
capital; nor a technology's name, grader/tech_names.py: "it's Chrome again"): "this is Priya from Acme" / "This is
Priya, from the Toronto office" where a clause, a comment or a string
literal opens (an organisation after "from": a capital, or "the data team"; "This is Counter from collections"
stays); "Priya here, hi" / "Priya here from Acme" where a clause opens ("Priya here." alone is still an order); lower
case as speech-to-text writes it, after a greeting and "I'm" ("hi i'm priya": never "i'm done" without a greeting,
and "hey i'm late" stays), or after "this is"/"it's" only before "speaking", a pleasantry or "from" a team ("this
is priya speaking", "hey, this is priya, nice to meet you", "this is priya from the data team"; "hey, this is
important." and "this is different from Java" stay); and a bare label written with a capital opening a line or a
comment's line ("Name: Priya Raman", "# Name - Priya"; "name: Build" is a configuration's key, "Name: Merge
Intervals" a problem's, "Name: LAPACK" a project's).
"""

from __future__ import annotations

import re

from grader.intro_words import weak_name
from grader.name_particles import PARTICLE_RUN, particle
from grader.not_names import NOT_NAMES as NOT_NAMES
from grader.spoken import BOUNDARY, HESITATION_GAP
from grader.spoken_names import NAME_CUE, opens_frame, spoken_name
from grader.tech_names import tech_name

# A word written as a name: a capital, then lower case (accents folded first), with a hyphen or an apostrophe
# before another capital ("Jean-Luc", "O'Brien"), or four capitals or more ("PRIYA": `BFS` and `DP` are acronyms).
_NAME = r"(?:[A-Z]'?[A-Z][a-z]+|[A-Z][a-z]+(?:[A-Z][a-z]+)?|[A-Z]{4,})(?:-[A-Z][a-z]+)?"
# Up to four, with particles between ("Sanne de Vries", "Maria del Carmen Lopez", "Nguyen Van An":
# grader/name_particles.py), and an initial after them ("Priya R.").
_NAMES = rf"{_NAME}(?:[ \t]+{PARTICLE_RUN}{_NAME}){{0,3}}(?:[ \t]+[A-Z](?![\w'-]))?"
# A name spelled out, a capital first ("P R I Y A", "P-R-I-Y-A", "J o h n").
_SPELLED = r"[A-Z](?:[ .-][A-Za-z]){2,}(?![\w'-])"
# Where the clause ends after the name; "but" too, as speech-to-text writes "I'm Priyanka but you can call me Pri"
# without its comma.
_ENDS = (
    r"(?=[ \t]*(?:$|[\n,.!?;:()\]\"*\u2013\u2014]|-[ \t]|'(?!\w))"  # a quote that closes: `print('I am Priya')`
    r"|[ \t]+(?:and|but|from|here|speaking|by\s+the\s+way|btw|y|et|und|e)(?![\w'-]))"
)
_AFTER_NAME = r"[ \t]+(?:here|speaking|signing[ \t]+off)"
# A greeting, perhaps with whom it greets ("hello everyone, Priya here", "hi all, this is Priya").
_GREETING = (
    r"(?:(?:hi|hello|hey|hiya|good\s+(?:morning|afternoon|evening)|hola|bonjour|hallo|ola)"
    r"(?:[ \t]+(?:everyone|everybody|all|folks|there|team|guys|y'all|a[ \t]+todos))?)"
)
_TITLE = r"(?:(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sr|Sra|Mme|Herr|Frau)\.?[ \t]+)?"  # "I'm Dr. Priya Raman"
# Where a cue starts: not inside a word, nor after one's apostrophe; after an opening quote (`print('I am Priya')`).
_CUE = r"(?<![\w-])(?<!\w')"
_OPENS = r"(?:(?<![^\n.!?,;\"(])|(?<=[.!?,;\"(][ \t]))"  # the text's or a line's start, after punctuation
# A clause also opens after up to three discourse words that open it: "so this is Priya from Acme", "okay, um, Priya
# here, hi" (2026-12-05).
_DISCOURSE = r"(?:so|okay|ok|well|and|alright|um+|uh+|er|erm|yeah|yes|right|anyway|now|oh|hi|hello|hey|then)"
_OPENS_SAID = rf"{_OPENS}(?:(?i:{_DISCOURSE})[ \t]*,?[ \t]+){{0,3}}"
# After "from": an organisation, a place or a team ("from Acme", "from the Toronto office", "from the data team");
# after a name in lower case a team only ("this is differs from ValidatingAdmissionPolicy" is a typo's prose).
_ORG_NOUN = r"(?:team|office|department|group|company|university|college|school|campus|bootcamp|lab|studio)"
_FROM_TEAM = rf"(?i:from)[ \t]+(?:(?i:the|our)[ \t]+)?(?:[a-z]+[ \t]+){{0,2}}(?i:{_ORG_NOUN})(?![\w'-])"
_FROM_ORG = rf"(?:(?i:from)[ \t]+(?:(?i:the|our)[ \t]+)?[A-Z]|{_FROM_TEAM})"
# A pleasantry after a name ("this is priya, nice to meet you"), or a greeting too after "<name> here" ("Priya here,
# hi", "Priya here. How are you?").
_MEETING = r"(?i:nice[ \t]+to[ \t]+meet|pleased[ \t]+to[ \t]+meet|thanks[ \t]+for[ \t]+having)(?![\w'-])"
_PLEASANTRY = rf"(?:{_MEETING}|(?i:{_GREETING}|how[ \t]+are[ \t]+you)(?![\w'-]))"
# What follows a name and says its speaker is introducing themself (2026-12-05 review): a pleasantry, where they work
# or study, their role, the interview, where they join from ("Priya here, I work at Acme", "i'm priya, i'm a backend
# engineer at acme", "so this is Priya, nice to meet you"; Spanish "trabajo en", "mucho gusto"). Not "from" a place
# alone (grader/intro_words.py reads those words), and not what code or a state is said with ("i'm stuck, i work on").
_ROLE = (
    r"(?:engineer|developer|dev|programmer|coder|student|scientist|analyst|designer|manager|intern|graduate|grad"
    r"|architect|consultant|researcher|founder|candidate|swe|sre)s?"
)
_INTRO_NEXT = (
    rf"[ \t]*[,.!;:\u2013\u2014-]?[ \t]*(?:(?i:and|so)[ \t]+)?(?:{_MEETING}|(?i:(?:i[ \t]+(?:work|worked|study|studied"
    r"|intern|interned)[ \t]+(?:at|for|as|with|in[ \t]+the)|i'm[ \t]+(?:a|an|the|your)[ \t]+(?:[a-z-]+[ \t]+){0,3}?"
    rf"{_ROLE}|i'm[ \t]+(?:here[ \t]+)?for[ \t]+the[ \t]+interview|(?:i'm[ \t]+)?(?:joining|calling|dialing|dialling)"
    r"[ \t]+(?:in[ \t]+)?from|i've[ \t]+been[ \t]+(?:a|an|working|coding|programming)|trabajo[ \t]+(?:en|como|para)"
    r"|mucho[ \t]+gusto|encantad[oa])(?![\w'-])))"
)
# An apology or a return before "this is <Name> again" ("Sorry about that, this is Priya again", "I'm back, ...").
_APOLOGY = r"(?:sorry(?:[ \t]+(?:about|for)[ \t]+(?:that|this))?|(?:my[ \t]+)?apologies|i'm[ \t]+back)"
# After "this is <Name>" and an organisation, the words of the organisation ("from Acme Corp, nice to meet you").
_FROM_WORDS = r"(?:[ \t]*,?[ \t]+(?i:from)(?:[ \t]+[\w&'.-]+){1,4}?)?"
# One to three words in lower case, none of them a word that ends the clause ("hi i'm priya and ...").
_LOWER_WORD = r"(?!(?:and|but|from|here|speaking|by|btw|y|et|und|e)(?![\w'-]))[a-z][a-z'-]*[a-z]"
_LOWER = rf"{_LOWER_WORD}(?:[ \t]+{_LOWER_WORD}){{0,2}}"
INTRODUCTION = re.compile(
    # "I'm Priya", "soy Priya", "je suis Priya", "ich bin Priya", "eu sou a Priya", "I'm P R I Y A"; "sono Giulia",
    # "ik ben Sanne", "jestem Ola", "saya Budi", "tôi là An", "mimi ni Amani", "ben Ayşe" (lower case only: "Ben" is
    # a name) as a candidate may say it in their own language (2026-12-06, graderI6).
    rf"{_CUE}(?i:i'm|i\s+am|soy|je\s+suis|ich\s+bin|(?:eu\s+)?sou(?:\s+[ao])?|(?:io\s+)?sono|ik\s+ben|jestem|saya"
    rf"|aku|toi\s+la|mimi\s+ni|(?-i:ben)){HESITATION_GAP}{_TITLE}(?:(?P<a>{_NAMES})|(?P<e>{_SPELLED})){_ENDS}"
    # Hindi and Urdu in Latin letters, the verb after the name: "main Priya hoon", "mai Priya Sharma hu".
    rf"|{_CUE}(?i:main|mai|mein)[ \t]+{_TITLE}(?P<s>{_NAMES})(?=[ \t]+(?i:hoon|hun|hu|hoo)(?![\w'-]))"
    # "Hi, this is Priya", "hello, it's Priya", "this is Priya speaking".
    rf"|{_CUE}(?i:{_GREETING}[,!.]?\s+(?:this\s+is|it's|it\s+is)){HESITATION_GAP}{_TITLE}(?P<b>{_NAMES})"
    rf"(?i:{_AFTER_NAME})?{_ENDS}"
    rf"|{_CUE}(?i:this\s+is|it's|it\s+is)[ \t]+{_TITLE}(?P<c>{_NAMES})(?i:,?{_AFTER_NAME}){_ENDS}"
    # "Priya speaking." where a clause opens; "Hi, Priya here." after a greeting only ("Return here." is an order).
    rf"|{_OPENS}(?P<d>{_NAMES})(?i:[ \t]+speaking|,?[ \t]+signing[ \t]+off){_ENDS}"
    rf"|{_CUE}(?i:{_GREETING})[,!.]?[ \t]+(?P<g>{_NAMES})(?i:[ \t]+here){_ENDS}"
    # "Priya's my name", "Priya Raman is my full name", "Sona Raman, that's my legal name".
    rf"|{_OPENS}[ \t]*(?P<f>{_NAMES})(?i:'s|[ \t]+is|,?[ \t]+that's|,?[ \t]+that[ \t]+is)[ \t]+my[ \t]+"
    r"(?i:(?:first|last|full|given|legal|real)[ \t]+)?name(?![\w'-])"
    # A label that says whose name follows ("Candidate: Priya Raman", "# Full name: Priya Raman").
    rf"|(?<![\w'-])(?i:candidate(?:[ \t]+name)?|interviewee|full[ \t]+name|my[ \t]+name|nombre|nom[ \t]+complet)"
    rf"[ \t]*:[ \t]*(?P<h>{_NAMES})(?=[ \t]*(?:$|[\n,.;!]))"
    # Weaker forms, whose words are also read against grader/intro_words.py (`weak_name`):
    # "This is Priya from Acme", "this is Zanele, from the Toronto office": no greeting, an organisation after; also
    # opening a comment or a string literal.
    rf"|(?:{_OPENS_SAID}|(?<=[#*/'])|(?<=[#*/'][ \t]))(?i:this[ \t]+is)[ \t]+{_TITLE}(?P<i>{_NAMES})"
    rf"[ \t]*,?[ \t]+{_FROM_ORG}"
    # "Priya here, hi", "Wei Chen here - good morning", "Olusegun here from Acme" where a clause opens.
    rf"|{_OPENS_SAID}(?P<j>{_NAMES})(?i:[ \t]+here)(?:[ \t]*[,.!:\u2013\u2014-]?[ \t]*{_PLEASANTRY}|[ \t]+{_FROM_ORG}"
    rf"|{_INTRO_NEXT})"
    # Lower case, as speech-to-text writes a name: "hi i'm priya", after a greeting; "this is wei chen speaking",
    # "hey, this is priya, nice to meet you", "this is priya from the data team" ("hey, this is important." stays).
    rf"|{_CUE}(?i:{_GREETING})[,!.]?[ \t]+(?i:i'm|i[ \t]+am)[ \t]+(?P<k>{_LOWER}){_ENDS}"
    rf"|{_CUE}(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+(?P<m>{_LOWER})(?:[ \t]+speaking{_ENDS}"
    rf"|(?i:[ \t]+here)?(?:[ \t]*[,.!\u2013\u2014-]?[ \t]*{_MEETING}|[ \t]*,?[ \t]+{_FROM_TEAM}|{_INTRO_NEXT}))"
    # Lower case without a greeting, or "this is <Name>" where no clause opens, only before what says it is an
    # introduction: "i'm priya, i work at acme", "so this is Priya, nice to meet you" ("i'm stuck" stays).
    rf"|{_CUE}(?i:i'm|i[ \t]+am|soy)[ \t]+(?P<n>{_LOWER})(?={_INTRO_NEXT})"
    rf"|{_CUE}(?i:this[ \t]+is)[ \t]+{_TITLE}(?P<o>{_NAMES}){_FROM_WORDS}(?={_INTRO_NEXT})"
    # A bare label opening a line or a comment's line ("Name: Priya Raman", "# Name - Zanele", "// NAME: Wei"), written
    # with a capital: a key in lower case is a configuration's (`name: Build`).
    rf"|^[ \t]*(?:(?:#+|//+|/\*+|\*+|--+|;+)[ \t]*)?(?:Name|NAME)(?:[ \t]*:|[ \t]+[-\u2013\u2014])[ \t]*"
    rf"(?P<l>{_NAMES})(?=[ \t]*(?:$|\*/))"
    # Coming back (2026-12-05): "Sorry, this is Priya again", "hi, it's Wei Chen again", after a greeting or
    # an apology; "it's me, Priya", "this is me again, Priya Raman", where "me" says whose name follows.
    rf"|{_CUE}(?i:{_GREETING}|{_APOLOGY})[,!.]?[ \t]+"
    rf"(?:(?i:so|ok|okay|um+|uh+)[ \t]*,?[ \t]+)?(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+{_TITLE}(?P<p>{_NAMES})"
    rf"[ \t]*,?[ \t]+(?i:again|once[ \t]+more|back)(?![\w'-])"
    rf"|{_CUE}(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+(?i:me)(?:[ \t]+(?i:again))?[ \t]*[,\u2013\u2014-][ \t]*{_TITLE}"
    rf"(?P<q>{_NAMES}){_ENDS}"
    # Coming back or saying who it is in passing without a greeting (2026-12-05): "this is Priya again", "it's Wei
    # Chen, by the way", where a clause opens; the words read as the weaker forms' ("oh it's Redis again" stays).
    rf"|{_OPENS_SAID}(?i:this[ \t]+is|it's|it[ \t]+is)[ \t]+{_TITLE}(?P<r>{_NAMES})"
    rf"(?:[ \t]*,?[ \t]+(?i:again|once[ \t]+more)|[ \t]*,?[ \t]*(?i:by[ \t]+the[ \t]+way|btw))(?![\w'-])",
    re.MULTILINE,
)
# A sign-off, in a comment only ("# Thanks, Priya", "// Regards, Priya Raman"): said, "Thanks, Mike." thanks the
# interviewer.
SIGN_OFF = re.compile(
    rf"(?<![\w'-])(?i:thanks|thank[ \t]+you|regards|best|cheers|sincerely|saludos|gracias|merci)[ \t]*,"
    rf"[ \t]*{_TITLE}(?P<s>{_NAMES})(?=[ \t]*(?:$|[\n.!]))",
    re.MULTILINE,
)
_PAST_SECOND = NOT_NAMES - BOUNDARY
_GROUPS = "abcdefghijklmnopqrs"
_WEAK = "ijklmnopr"  # read against grader/intro_words.py too: no word of their own says a name follows
NAME_WORD = re.compile(r"[^\s'-]+")
INNER_CAPITAL = re.compile(r"[a-z][A-Z]")


def introduced_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The name an introduction (`text[start:end]`, an `INTRODUCTION` match) gives, unless one of its words is in
    `NOT_NAMES`; a name spelled out whole."""
    m = INTRODUCTION.match(text, start)
    group = next((g for g in _GROUPS if m is not None and m.group(g) is not None), None)
    if m is None or group is None:
        return []
    if group == "e":
        return [m.span(group)]
    start, end = m.span(group)
    if opens_frame(text, start):
        return []  # "Hello, I'm" / "Soy Lucía.": the second introduction's frame is no name (it gives one)
    # A particle inside ("de", "van der") is the name's, not a word of its own (grader/name_particles.py).
    words = [
        w for w in NAME_WORD.finditer(text, start, end) if not (w.group().islower() and particle(w.group()))
    ]
    if group in "dfj":  # where a clause opens, a word before the name opens it ("Okay Priya speaking")
        while words and words[0].group().lower() in NOT_NAMES:
            words.pop(0)
        first = words[0].group() if words and group != "j" else ""  # "j": `weak_name` reads participles
        if first.endswith("ed") or (first.endswith("ing") and len(first) > 5):
            return []  # what a comment says is done there ("Checked here, ...", "Closing here")
    if group in _WEAK and (
        not weak_name([w.group() for w in words], label=group == "l")
        or any(tech_name(w.group()) for w in words)  # "it's Chrome again" (grader/tech_names.py)
    ):
        return []
    # Past a name's second word, a short word of speech written as a name is one ("Nguyen Van An").
    if not words or any(
        w.group().lower() in (NOT_NAMES if i < 2 else _PAST_SECOND) for i, w in enumerate(words)
    ):
        return []
    if group == "h" and (len(words) < 2 or any(INNER_CAPITAL.search(w.group()) for w in words)):
        return []  # a label's full name, not a type ("candidate: CandidateSession", "candidate: Type")
    return [(words[0].start(), end)]


# A label that says no more than that a name follows ("Name:", "Full name:", "Nombre:"), not whose (not "Candidate:",
# "Interviewee:", "My name:").
FIELD_LABEL = re.compile(r"[^\w]*(?i:name|full[ \t]+name|nombre|nom[ \t]+complet)[ \t]*[:\u2013\u2014-]")


def introduced_in_output(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`introduced_name` for what a program wrote: a record's field ("Name: Alice", "Full name: Alice Smith", a
    test's data printed by the candidate's code) names no one in particular, so a label that says only that a name
    follows is not read there; a self-introduction is ("I'm Priya", "Candidate: Priya Raman"), and the candidate's
    own name on file is replaced wherever it is printed (grader/redact.py)."""
    m = INTRODUCTION.match(text, start)
    if m is not None and (
        m.group("l") is not None or (m.group("h") is not None and FIELD_LABEL.match(m.group()))
    ):
        return []
    return introduced_name(text, start, end)


# A word of code; a quote around it is none of it (`greet('Alice')`), an apostrophe inside is ("O'Brien").
_WORD = re.compile(r"(?<![\w-])(?<!\w')[A-Za-z][\w-]*(?:'\w+)*")
# The introductions a literal is read for: not a label's, bare or not, nor a name before "speaking", nor lower case.
_IN_LITERAL = "abcegijpqrs"


class _DataWords:
    """The words of the code last read that it also writes outside an introduction (`greet("Alice")`, `== "Sam"`),
    found once per text: a literal's introduction of one of them is a test's data (`"Hello, I'm Alice"`), not the
    candidate's. A name written there already is no secret the literal keeps."""

    def __init__(self) -> None:
        self._last: tuple[str, frozenset[str]] = ("", frozenset())  # one tuple, replaced whole (threads)

    def of(self, text: str) -> frozenset[str]:
        last = self._last
        if last[0] is not text:
            inside: dict[str, int] = {}
            for m in INTRODUCTION.finditer(text):
                group = next((g for g in _IN_LITERAL if m.group(g) is not None), None)
                for word in _WORD.findall(m.group(group)) if group else ():
                    inside[word] = inside.get(word, 0) + 1
            for m in NAME_CUE.finditer(text):
                for a, b in spoken_name(text, m.start(), m.end()):
                    for word in _WORD.findall(text, a, b):
                        inside[word] = inside.get(word, 0) + 1
            everywhere: dict[str, int] = {}
            for word in _WORD.findall(text):
                if word in inside:
                    everywhere[word] = everywhere.get(word, 0) + 1
            last = self._last = (text, frozenset(w for w, n in everywhere.items() if n > inside[w]))
        return last[1]


_DATA_WORDS = _DataWords()


def introduced_in_literal(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`Rule.refine` for a string literal of code (grader/phone_forms.py `STRING_LITERAL`): the names its own words
    introduce the candidate by (`print("Hi, I'm Priya")`, `"my name is Priya"`), as an introduction in speech;
    not a label or a name before "speaking", which a literal holds as data, nor a name the code also writes
    outside an introduction (`assert greet("Alice") == "Hello, I'm Alice"`, `parse("I am Sam") == "Sam"`: a
    test's data)."""
    found: list[tuple[int, int]] = []
    for m in INTRODUCTION.finditer(text, start + 1, end - 1):
        if any(m.group(g) for g in _IN_LITERAL):
            found += introduced_name(text, m.start(), m.end())
        # Also a label that says whose name follows ("Candidate: Priya Raman"), not a record's field ("Name: Alice"),
        # read to the literal's end (its quote ends the name).
        elif m.group("h") and not FIELD_LABEL.match(m.group()):
            found += introduced_name(text[: end - 1], m.start(), m.end())
    # A name cue's name ("my name is Priya Raman", "mi chiamo Giulia"), as said (grader/spoken_names.py).
    for m in NAME_CUE.finditer(text, start + 1, end - 1):
        found += [(a, min(b, end - 1)) for a, b in spoken_name(text, m.start(), m.end()) if a < end - 1]
    if not found:
        return found
    data = _DATA_WORDS.of(text)
    return [(a, b) for a, b in found if not data.intersection(_WORD.findall(text, a, b))]


def signed_name(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The name a `SIGN_OFF` (`text[start:end]`) signs with, unless one of its words is in `NOT_NAMES`."""
    m = SIGN_OFF.match(text, start)
    if m is None or any(word.lower() in NOT_NAMES for word in NAME_WORD.findall(m.group("s"))):
        return []
    return [m.span("s")]
