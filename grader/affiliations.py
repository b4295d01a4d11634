"""Where the candidate worked or studied, kept out of the model's input (grader/redact.py applies these rules): the
name of an employer or a school is replaced by `[company]` or `[school]` (grader/org_names.py), mapped back for
quote verification as a name is.

What is replaced:
- the organisations of the candidate's own résumé (`BundleInput.affiliations`, read by the API; the grader never sees
  the résumé): said, or in a comment, anywhere as written (in lower case beside a cue: "at scale" stays for a résumé's
  Scale); a school's short form too ("Foo State" for "Foo State University"); beside a cue only, a company's short
  form ("Acme" for "Acme Robotics"), a name of several words in lower case ("at acme robotics we") and the initials
  of one of two capitalised words or more ("went to UW" for the University of Waterloo; not initials that are a word
  of code talk, "BST", nor a company's two letters, "JS" for Jane Street: "then I went to JS");
- a well-known employer or school (`EMPLOYERS`, `SCHOOLS`): said or in a comment, unless the next word makes it a
  product or a technique ("Google Sheets", "MIT license", "Berkeley sockets": `TECH_AFTER`); one that is also a
  technology, a fruit or a key ("Oracle", "Apple", "Meta", "Amazon": `CUE_ONLY`) only beside an affiliation ("at
  Amazon we", "my Apple interview", "worked for Oracle");
- a school or a company by its form: "University of X", "X University", "X College", "X Institute of Technology",
  "IIT X" (said or in a comment), "X Inc", "X Corp", "X GmbH" (printed too);
- any capitalised name after an affiliation cue ("I worked at Initech", "you were at Hooli", "I interned at Hooli",
  "graduated from Foo Tech", "my previous company, Initech", "at Initech, we"): said, in a comment, or printed.
In what a program printed (test data: "Stanford", "Apple", "University of Waterloo" in a list of words), only a
name beside such a cue or with a company's legal form; in a string literal, none. A name of the question's
statement stays: it is the problem's word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from grader.everyday_words import CODE_EPONYMS, COMMON_WORDS
from grader.evidence_words import evidence_word, vocabulary_words
from grader.intro_words import listed
from grader.org_names import COMPANY, CUE_ONLY, EMPLOYERS, SCHOOL, SCHOOLS, ambiguous, kind, product_after
from grader.redact_apply import Rule
from grader.tech_names import TECH_NAMES
from grader.word_patterns import alternation

# A word of an organisation's name: capitalised, with its dots ("Booking.com"), never a pronoun or an article that
# opens the next clause ("at Initech I learned", "at Hooli We").
_STOP = r"(?!(?:I|I'm|I've|We|We're|My|Our|They|The|A|An|And|But|So|Then|In|At|On|This|That|It|Every|Each)\b)"
CAP = rf"{_STOP}[A-Z][A-Za-z0-9&\-]*(?:\.[A-Za-z]+)*"
CAPS = rf"{CAP}(?:[ ](?:(?:of|and|&|de|for)[ ])?{CAP}){{0,3}}"

SCHOOL_FORM = re.compile(
    rf"(?<!\w)(?:(?:Technical[ ])?University[ ]of[ ](?:the[ ])?{CAPS}(?:,?[ ]at[ ]{CAP})?"
    rf"|(?:Universit[éàäea]t?|Universidad|Universidade|Universiteit|Hochschule)[ ](?:(?:de|di|da|zu|of|van)[ ])?{CAPS}"
    rf"|(?:IIT|IIIT|NIT)[ ]{CAP}"
    rf"|{CAPS}[ ](?:University|College|Polytechnic|Academy|Institute[ ]of[ ]Technology|Institute"
    rf"|(?:High|Business|Law|Medical|Graduate)[ ]School)(?:[ ]of[ ]{CAPS})?)(?!\w)"
)
COMPANY_FORM = re.compile(rf"(?<!\w){CAPS},?[ ](?:Inc|Corp|Corporation|LLC|Ltd|GmbH|PLC)(?!\w)\.?")
FORM_NEEDLES = frozenset(
    {"universi", "college", "polytechnic", "academy", "institute", "school", "iit", "nit", "hochschule"}
    | {"inc", "corp", "llc", "ltd", "gmbh", "plc"}
)

# An affiliation cue (the interviewer's "you were at" too) that the organisation follows: the words before "at",
# "for" or "from" that make it one.
_I = r"(?:I|we|they|you)(?:'ve|[ ]have|'d|[ ]had)?[ ](?:was|were|been|am|are|'m|'re)|I'm|we're"
_EMPLOYED_AT = (
    rf"{_I}|worked|working|work|works|interned|interning|intern|internship|job|jobs|role|position|stint|time|days"
    r"|years|engineer|developer|researcher|back|joined|currently|presently"
)
_EMPLOYED_FOR = r"worked|working|work|works|interned|interning"
_MY_LAST = (
    r"(?i:\bmy[ ](?:last|previous|old|former|current|first|new|present)[ ](?:company|employer|job|team|school"
    r"|university|college|internship|workplace|lab|firm|startup),?[ ](?:(?:was|is|called)[ ])?)"
)
# Where someone studied: a school, whatever its name's form.
_STUDIED_FROM = r"graduated|graduate|degree|phd|masters?|master's|bachelors?|bachelor's|diploma"
_STUDIED_AT = (
    r"studied|studying|study|student|graduated|enrolled|masters?|master's|bachelors?|bachelor's|undergrad|mba"
    r"|postdoc"
)
# "at Initech, we": "at", then the organisation, then the speaker's side.
_WE_AFTER = re.compile(r",?[ ](?:we|I|our|my|they)\b")
# The organisation after a cue, as a match's `org` (grader/resume_affiliations.py reads a résumé with these).
CUED = [
    re.compile(rf"(?i:\b(?:{_EMPLOYED_AT})[ ]at[ ])(?P<org>{CAPS})"),
    re.compile(rf"(?i:\b(?:{_EMPLOYED_FOR})[ ]for[ ])(?P<org>{CAPS})"),
    re.compile(rf"{_MY_LAST}(?P<org>{CAPS})"),
    re.compile(rf"(?i:\bat[ ])(?P<org>{CAPS}){_WE_AFTER.pattern}"),
]
STUDIED = [
    re.compile(rf"(?i:\b(?:{_STUDIED_FROM})[ ]from[ ](?:the[ ])?)(?P<org>{CAPS})"),
    re.compile(rf"(?i:\b(?:{_STUDIED_AT})[ ]at[ ](?:the[ ])?)(?P<org>{CAPS})"),
]
# In a text, the redactor finds "at", "for" or "from" and a capitalised name, then reads the word before: a scan
# for each cue, each opening with its alternation of words, cost ten times as much (a literal space first lets the
# regex engine skip to it).
ORG_AFTER = re.compile(rf"[ ](?P<p>[Aa]t|[Ff]or|[Ff]rom)[ ](?P<the>the[ ])?(?P<org>{CAPS})")
MY_LAST = re.compile(rf"[ ]{_MY_LAST}(?P<org>{CAPS})")
# A text that opens with one: "At Initech, we", "My previous company, Initech" (an anchored scan costs nothing).
AT_START = re.compile(rf"\A(?:(?P<at>At[ ])|{_MY_LAST})(?P<org>{CAPS})")
_BEFORE = {
    ("at", False): re.compile(rf"(?i:\b(?:{_EMPLOYED_AT}))$"),
    ("for", False): re.compile(rf"(?i:\b(?:{_EMPLOYED_FOR}))$"),
    ("at", True): re.compile(rf"(?i:\b(?:{_STUDIED_AT}))$"),
    ("from", True): re.compile(rf"(?i:\b(?:{_STUDIED_FROM}))$"),
}
_AFTER_NOUNS = (
    r"interview|interviews|internship|internships|team|teams|professor|professors|prof|advisor|adviser|manager|boss"
    r"|colleague|colleagues|coworker|coworkers|teammate|teammates|classmate|classmates|mentor|lab|alumni|alum|degree"
    r"|days|offer|recruiter|intern|interns|employee|employees|student|students|course|class|thesis"
)
# Beside a name, what makes it an affiliation: "was at", "joined", "worked for", "graduated from" before it; one of
# `_AFTER_NOUNS` after it ("my Apple interview"), or "we" ("at Amazon we").
# "at" alone is no cue: "look at Apple and Banana" reads test data aloud.
_CUE_BEFORE = re.compile(
    r"(?i:\b(?:(?:was|were|been|am|are|'m|'re|worked|work|working|works|interned|interning|intern|internship|job"
    r"|jobs|role|position|stint|time|days|years|back|engineer|developer|researcher|studied|studying|study|student"
    r"|phd|degree|masters?|master's|bachelors?|bachelor's|undergrad|mba|postdoc|interviewed|interviewing|currently"
    r"|presently|now)[ ]at|joined|joining|join|left|quit|former"
    r"|formerly|ex-?"
    # where they studied, said without "studied": "i went to stanford", "i attended mit"
    r"|went[ ]to|attended|attending|attend"
    r"|work(?:ed|ing|s)?[ ]for|(?:graduated|degree|phd|masters?|bachelor'?s)[ ]from)[ ]?)$"
)
_CUE_AFTER = re.compile(rf"(?:'s)?[ ](?:{_AFTER_NOUNS})\b|,?[ ](?:we|our)\b")
# A campus joined to a school's name by a hyphen or a dash, written as a name: "-Madison" of "UW-Madison" (only a
# school's name is so extended, so a span not in the names is a school's); in lower case after a name so written
# ("cmu-qatar"), since "a Stanford-educated engineer" keeps its word.
_CAMPUS = re.compile(r"(?:[-\u2013][A-Z][A-Za-z]*[a-z][A-Za-z]*)+(?![\w-])")
_CAMPUS_LOWER = re.compile(r"(?:[-\u2013][a-z]{2,})+(?![\w-])")
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9&.'\-]*")


def worth(org: str) -> bool:
    """An organisation's name, not a technology, an everyday word, an algorithm's eponym or a single letter alone ("I
    was at Dijkstra's step", "we're at N squared"; "worked at Scale" is kept unless the résumé lists it, as a name
    beside a cue is)."""
    words = _WORDS.findall(org)
    one = words[0].lower().removesuffix("'s") if len(words) == 1 else ""
    return (
        bool(words) and len(org) > 1 and not (one in TECH_NAMES or one in COMMON_WORDS or one in CODE_EPONYMS)
    )


def cued(text: str, start: int, end: int, after: bool = True) -> bool:
    """A cue before the name, or (`after`) one after it."""
    return _CUE_BEFORE.search(text[max(0, start - 40) : start]) is not None or (
        after and _CUE_AFTER.match(text, end) is not None
    )


@dataclass(frozen=True)
class AffiliationRules:
    speech: list[Rule]
    code: list[Rule]  # in comments only
    output: list[Rule]  # beside a cue, or with a company's legal form, only


def _short_forms(name: str) -> set[str]:
    """A school on the résumé by its short form ("Foo State" for "Foo State University", "Foo" for "University of
    Foo"), when distinctive."""
    short = re.sub(r"^(?:Technical )?University of (?:the )?|\s+(?:University|College)$", "", name).strip()
    return {short} if short != name and len(short) >= 4 and worth(short) else set()


# A company's last word that says only what kind of company it is: "Acme Robotics" is called "Acme" at work.
_COMPANY_KIND = re.compile(
    r"[ ](?:Robotics|Technologies|Technology|Tech|Labs?|Systems|Solutions|Software|Group|Holdings|Industries"
    r"|Consulting|Partners|Analytics|Networks|Dynamics|Ventures|Studios?|Games|Digital|Media|Interactive|Enterprises"
    r"|Company|Co|Corporation|Incorporated|Limited|Inc|Corp|LLC|Ltd|GmbH|PLC)\.?$"
)


def _company_short_forms(name: str) -> set[str]:
    """A company on the résumé by the words before its kind ("Acme" for "Acme Robotics", "Vandelay" for "Vandelay
    Industries"), when distinctive: read only beside a cue, since the short form is as often a word of its own."""
    short = _COMPANY_KIND.sub("", name).strip(" ,")
    return {short} if short != name and len(short) >= 4 and worth(short) and not ambiguous(short) else set()


def _initials(name: str) -> set[str]:
    """A résumé's name of two capitalised words or more by its initials ("UW" for "University of Waterloo", "CMU" for
    "Carnegie Mellon University"): read only beside a cue, in capitals as written. Not initials that are a word of
    code talk ("BST" for "Binary Search Technologies": "I went to BST first"), nor a company's two letters, which as
    often name a technology ("JS" for Jane Street, "DB" for Deutsche Bank: "then I went to JS", "went to DB")."""
    words = [w for w in name.split() if w[:1].isupper()]
    initials = "".join(w[0] for w in words)
    if len(words) < 2 or len(initials) > 5 or not worth(initials) or _code_word(initials):
        return set()
    return {initials} if len(initials) > 2 or kind(name) == SCHOOL else set()


def _code_word(word: str) -> bool:
    """A word of code talk in any case: a technology or an abbreviation the name rules list ("BFS", "DP", "API");
    not one merely shaped as a product's name, as initials are ("TCS")."""
    return word.lower() in TECH_NAMES or listed(word)


def _places(own: Sequence[str], vocabulary: str) -> tuple[dict[str, str], frozenset[str]]:
    """Each name to replace, as written, with its placeholder: the well-known ones and the résumé's (their short
    forms too; a distinctive word also in lower and upper case, a name of several words also in lower case), but
    none the question's statement holds; and the names replaced only beside a cue besides those in lower case (a
    company's short form)."""
    places = {n: kind(n) for n in EMPLOYERS | SCHOOLS | CUE_ONLY}
    # Typed in lower case ("at google we"): beside a cue only (`named`).
    places |= {n.lower(): p for n, p in places.items() if len(n) >= 3}
    cue_only: set[str] = set()
    for name in (n.strip() for n in own):
        if len(name) < 2:
            continue
        shorts = _company_short_forms(name) if kind(name) == COMPANY else set()
        cue_only |= {f for short in shorts for f in (short, short.lower(), short.upper())} | _initials(name)
        for form in {name, *_short_forms(name), *shorts, *_initials(name)}:
            places[form] = SCHOOL if kind(name) == SCHOOL else COMPANY
            if form.isupper() and form in cue_only:
                continue  # initials: as written
            if (len(form) >= 5 or form in shorts) and " " not in form and not ambiguous(form):
                places.setdefault(form.lower(), places[form])
                places.setdefault(form.upper(), places[form])
            elif " " in form:  # "at acme robotics we": in lower case beside a cue (`named`)
                places.setdefault(form.lower(), places[form])
    return {n: p for n, p in places.items() if not _in(n, vocabulary)}, frozenset(cue_only)


def _in(name: str, vocabulary: str) -> bool:
    return name in vocabulary and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", vocabulary) is not None


def affiliation_rules(own: Sequence[str] = (), vocabulary: str = "") -> AffiliationRules:
    """The rules for a session whose résumé names the organisations `own`; `vocabulary`: the question's statement."""
    return _rules(tuple(sorted(set(own))), vocabulary)


@functools.lru_cache(maxsize=64)  # most sessions of one question have no résumé: one set of rules serves them
def _rules(own: tuple[str, ...], vocabulary: str) -> AffiliationRules:
    places, cue_only = _places(own, vocabulary)
    statement = vocabulary_words(vocabulary)
    listed = frozenset(own) | {f.lower() for n in own for f in (n, *_short_forms(n))}
    known = frozenset(n.lower() for n in EMPLOYERS | SCHOOLS | CUE_ONLY)

    def named(text: str, start: int, end: int, *, cue: bool) -> list[tuple[int, int]]:
        name = text[start:end]
        if product_after(text, end):
            return []
        # A technology's name the résumé lists ("Oracle") is theirs wherever said; an everyday word ("Square")
        # only beside a cue.
        needs_cue = (
            cue
            or name in cue_only
            or (ambiguous(name) and (name not in listed or name.lower() in COMMON_WORDS))
        )
        # A résumé's name made of the words evidence is written in ("Recursion", "Brute Force") only beside a cue,
        # as a name on file of such words is (grader/evidence_words.py): "Recursion is cleaner" is the candidate's
        # approach, whatever a résumé lists (a technology it lists, "Oracle", is theirs: above).
        needs_cue = needs_cue or all(evidence_word(w, statement) for w in _WORDS.findall(name))
        # In lower case, a word as often ("I'd google it", "a meta key"); a résumé's word ("at scale we'd shard" for
        # a résumé's Scale) only after a cue.
        needs_cue = needs_cue or name.islower()
        # A cue after a name in lower case ("at scale we'd shard") only for a known one or a résumé's of several words
        # ("at acme robotics we"), which is no phrase of talk.
        after = not (name.islower() and name not in known and " " not in name)
        if needs_cue and not cued(text, start, end, after):
            return []
        # A school's campus joined by a hyphen goes with it ("UW-Madison"): it names the school as much.
        campus = (
            (_CAMPUS_LOWER if name.islower() else _CAMPUS).match(text, end)
            if places.get(name) == SCHOOL
            else None
        )
        return [(start, campus.end() if campus else end)]

    def org_after(studied: bool, text: str, start: int, end: int) -> list[tuple[int, int]]:
        m = ORG_AFTER.match(text, start)
        if m is None:
            return []
        word, at = m["p"].lower(), m.start("p")
        before = _BEFORE.get((word, studied))
        ok = before is not None and before.search(text[max(0, at - 40) : at].rstrip(" ")) is not None
        if not studied and word == "at" and not m["the"]:
            ok = ok or _WE_AFTER.match(text, m.end("org")) is not None  # "at Initech, we"
        return kept(text, m.start("org"), m.end("org")) if ok else []

    def my_last(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]]:
        m = pattern.match(text, start)
        if m is None or (pattern is AT_START and m["at"] and _WE_AFTER.match(text, m.end("org")) is None):
            return []
        return kept(text, m.start("org"), m.end("org"))

    def kept(text: str, start: int, end: int) -> list[tuple[int, int]]:
        org = text[start:end]
        # A name before "(" is a function or a complexity: "we're at O(n) now", "I was at F(3)".
        call = text.startswith("(", end)
        return (
            []
            if call or not worth(org) or product_after(text, end) or _in(org, vocabulary)
            else [(start, end)]
        )

    def org_kind(text: str) -> str:
        return places.get(text) or kind(text)

    names = alternation(places)
    anywhere = Rule(
        names, COMPANY, refine=functools.partial(named, cue=False), replace=lambda t: places.get(t, SCHOOL)
    )
    beside_cue = replace(anywhere, refine=functools.partial(named, cue=True))

    def studied_kind(text: str) -> str:
        return places.get(text) or SCHOOL

    cues = [
        Rule(ORG_AFTER, COMPANY, refine=functools.partial(org_after, False), replace=org_kind),
        Rule(MY_LAST, COMPANY, refine=functools.partial(my_last, MY_LAST), replace=org_kind),
        Rule(AT_START, COMPANY, refine=functools.partial(my_last, AT_START), replace=org_kind),
        Rule(ORG_AFTER, SCHOOL, refine=functools.partial(org_after, True), replace=studied_kind),
    ]
    forms = [
        Rule(SCHOOL_FORM, SCHOOL, needles=FORM_NEEDLES),
        Rule(COMPANY_FORM, COMPANY, needles=FORM_NEEDLES),
    ]
    speech = [anywhere, *forms, *cues]
    return AffiliationRules(
        speech=speech,
        code=[replace(r, in_comments=True) for r in speech],
        output=[beside_cue, forms[1], *cues],
    )
