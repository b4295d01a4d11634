"""The organisations a résumé names (where the candidate worked or studied): the API calls `affiliations` on the
résumé's text and hands the grader the names only (`BundleInput.affiliations`), which it replaces where they are said
or written (grader/affiliations.py). A rule of the grader's, under its version: which names are read decides what the
model is shown.

Read from the résumé's text (its first `MAX_TEXT_CHARS`), also with its words in capitals read in title case ("FOO
STATE UNIVERSITY"): well-known employers and schools as written (an ambiguous one, "Amazon", "Oracle", only beside a
role or a cue); a school's or a company's form ("University of Foo", "Foo State University", "Initech Inc"); a name
after a role ("Software Engineer at Initech", "Intern @ Hooli", "Engineer | Initech") or before one on its line
("Initech — Senior Engineer", "Hooli, Software Engineer"); a name in a row's field beside a role's (a table flattened
with bars, tabs or wide spaces: "Initech | Senior Engineer | Austin, TX | 2019"); a name on the line next to a line
that holds a role alone ("Initech, Austin, TX" then "Senior Software Engineer   2021 - Present", or the role first);
and after an affiliation cue in prose ("worked at Initech"). A place is never one ("Staff Engineer - Seattle",
"Austin, TX": grader/places.py), nor a technology, an everyday word or an algorithm's eponym alone
(grader/affiliations.py `worth`). At most `MAX_AFFILIATIONS`."""

from __future__ import annotations

import re

from grader.affiliations import CAPS, COMPANY_FORM, CUED, SCHOOL_FORM, STUDIED, worth
from grader.org_names import CUE_ONLY, EMPLOYERS, SCHOOLS
from grader.places import place, region
from grader.word_patterns import alternation

MAX_AFFILIATIONS = 40
MAX_NAME_CHARS = 80
MAX_TEXT_CHARS = 100_000  # a résumé's text is a few pages; past this, no more is read

_ROLE = (
    r"(?i:(?:senior|junior|staff|principal|lead|chief|head|associate|assistant|graduate|research|teaching|summer|"
    r"software|data|machine[ ]learning|ml|backend|back-end|frontend|front-end|full[ -]?stack|platform|site[ ]"
    r"reliability|devops|qa|test|product|mobile|web|security|cloud|systems?)[ ])*"
    r"(?i:engineer|developer|intern|scientist|analyst|manager|researcher|consultant|architect|designer|programmer|"
    r"swe|sde|assistant|fellow|contractor|administrator|specialist|director|founder|co-founder|cto|ceo|student)s?"
)
# Between an organisation and a role: a bar, an em or en dash (U+2014, U+2013), a middle dot or bullet, "@", "at".
_MARKS = "|\u2014\u2013@\u00b7\u2022"
# After a role, not a comma: "Software Engineer, San Francisco" is most often a place.
_AFTER_ROLE = re.compile(rf"{_ROLE}[ ]*(?:[{_MARKS}]|[ ]-[ ]|[ ]at[ ])[ ]*(?P<org>{CAPS})")
_BEFORE_ROLE = re.compile(rf"(?m:^)[ \t\u2022*-]*(?P<org>{CAPS})[ ]*(?:[{_MARKS},]|[ ]-[ ])[ ]*{_ROLE}\b")
# Dates and work arrangements a résumé writes where an organisation could be ("Engineer | Jan 2020 - Present").
_NOT_ORGS = frozenset(
    """
    jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august september
    october november december present current now remote hybrid onsite summer fall autumn spring winter
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# Section headings, arrangements and teams written alone where an organisation could be ("Summary — Software Engineer
# with 6 years", "Payments — Backend Engineer"): taken for one, the word would be replaced wherever it is said
# capitalised ("Search the left half first"). Alone only: "Product Hunt", "Tech Mahindra" are organisations.
_NOT_ALONE = frozenset(
    """
    summary profile objective about experience employment education skills projects project certifications awards
    publications references languages interests contact work professional career history highlights achievements
    freelance freelancer contract contractor self self-employed independent volunteer various confidential stealth
    startup consulting consultant agency part-time full-time internship lead tech team
    backend back-end frontend front-end fullstack full-stack platform infrastructure payments search ads cloud mobile
    web security data research labs lab product growth core api apis devops sre
    """.split()  # noqa: SIM905  # a word list reads better as text
)
# A role taken for an organisation ("Python Engineer | Backend Developer"): its last word names a role.
_ROLE_WORD = re.compile(r"(?i:\b(?:engineer|developer|intern|scientist|analyst|programmer|swe|sde|student))$")
# A row's fields: apart by a tab, two spaces or more, a bar, a dash set apart, a middle dot or a bullet.
_FIELD_BREAK = re.compile(r"\t+|[ ]{2,}|[ ]*[|\u2014\u2013\u00b7\u2022][ ]*|[ ]-[ ]")
_ROLE_FIELD = re.compile(rf"{_ROLE}(?:[ ](?:I|II|III|IV|\d))?")
_DATE = re.compile(
    r"\b(?:19|20)\d\d\b|(?i:\b(?:present|current|now|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b)"
)
_CAPS = re.compile(CAPS)
_BULLETS = ("\u2022", "*", "-", "\u25aa", "\u25e6", "\u2023", "\u2043", ">")
_AFTER_COMMA = re.compile(r",[ ]*([A-Za-z][A-Za-z. ]{1,20}?)(?=[ ]*(?:[,|\t\n]|[ ]{2}|$))", re.M)
# Two words or more in capitals ("FOO STATE UNIVERSITY"), read again in title case; the short words of a name in lower
# case, a known acronym as it is, and an acronym alone ("AWS") not at all.
_CAPITALS = re.compile(r"\b[A-Z][A-Z&'-]+(?:[ ]+[A-Z][A-Z&'-]+)+\b")
_WORD = re.compile(r"[A-Z][A-Z&'-]+")
_SMALL_CAPITALS = frozenset({"OF", "AND", "FOR", "DE", "THE", "AT", "IN"})
_ACRONYMS = frozenset({"IIT", "IIIT", "NIT", "MIT", "NYU", "UCLA", "USA", "UK", "US", "UAE", "LLC", "PLC"})
KNOWN = EMPLOYERS | SCHOOLS | CUE_ONLY
_KNOWN = alternation(
    (EMPLOYERS | SCHOOLS) - CUE_ONLY
)  # as written anywhere; `CUE_ONLY` ones beside a role or a cue


def affiliations(resume_text: str | None) -> list[str]:
    """The organisations `resume_text` names, longest first."""
    if not resume_text:
        return []
    text = resume_text[:MAX_TEXT_CHARS].replace("\u00a0", " ")
    titled = _CAPITALS.sub(lambda run: _WORD.sub(_title_case, run.group(0)), text)
    found: set[str] = set()
    for form in (SCHOOL_FORM, COMPANY_FORM):
        for source in {text, titled}:
            found.update(m.group(0).rstrip(".").removesuffix(",") for m in form.finditer(source))
    for source in {text, titled}:
        for pattern in (_AFTER_ROLE, _BEFORE_ROLE, *CUED, *STUDIED):
            found.update(m["org"] for m in pattern.finditer(source) if not _placed(source, m.end("org")))
        found.update(_rows(source))
    names = {n.strip() for n in found}
    # "Amazon" after a role or a cue too, a technology's name as well; in a list of skills ("Oracle, Redis") not.
    names = {n for n in names if (worth(n) or n in KNOWN) and n.split()[0].lower() not in _NOT_ORGS}
    names = {n for n in names if not _heading(n) and not _ROLE_WORD.search(n) and not place(n)}
    names = {n for n in names if len(n) <= MAX_NAME_CHARS}
    names.update(m.group(0) for m in _KNOWN.finditer(text))
    return sorted(names, key=lambda n: (-len(n), n))[:MAX_AFFILIATIONS]


def _title_case(m: re.Match[str]) -> str:
    word = m.group(0)
    if word in _SMALL_CAPITALS:
        return word.lower()
    return word if word in KNOWN or word in _ACRONYMS else word.title()


def _heading(name: str) -> bool:
    """A heading, an arrangement or a team, each of its words one (`_NOT_ALONE`: "Professional Summary", "Payments")."""
    return all(w in _NOT_ALONE for w in name.lower().split())


def _placed(text: str, end: int) -> bool:
    """A name ending at `end` that a region follows ("Seattle, WA", "Berlin, Germany"): a place's."""
    m = _AFTER_COMMA.match(text, end)
    return m is not None and region(m.group(1))


def _fields(line: str) -> list[str]:
    return [f for f in _FIELD_BREAK.split(line.strip(" \t\u2022*-")) if f.strip()]


def _kind(field: str) -> str:
    """A field of a row: "role", "date", "place", or "name" (an organisation's, if a role is beside it), or ""."""
    field = field.strip()
    if _ROLE_FIELD.fullmatch(field):
        return "role"
    if _DATE.search(field):
        return "date"
    parts = [p.strip() for p in field.split(",")]
    if place(parts[0]) or (len(parts) == 2 and region(parts[1])):
        return "place"
    return "name" if _CAPS.fullmatch(parts[0]) and all(place(p) or region(p) for p in parts[1:]) else ""


def _rows(text: str) -> set[str]:
    """The names in rows with a role in a field of their own: the row's other names ("Initech | Engineer | 2019"),
    and where the role's line has none, the name opening the line before or after it ("Initech, Austin, TX" /
    "Senior Software Engineer   2021 - Present")."""
    lines = text.splitlines()
    kinds = [[(f, _kind(f)) for f in _fields(line)] for line in lines]
    # The résumé's first line is most often its owner's name, above their headline role ("Jane Doe" / "Engineer").
    top = next((i for i, line in enumerate(lines) if line.strip()), -1)
    found: set[str] = set()
    for i, row in enumerate(kinds):
        if not any(kind == "role" for _, kind in row) or any(kind == "" for _, kind in row):
            continue
        names = [f.split(",")[0].strip() for f, kind in row if kind == "name"]
        found.update(names)
        if names or len(row) > 3:
            continue
        for j in (i - 1, i + 1):
            near = kinds[j] if 0 <= j < len(kinds) and j != top else []
            if (
                near
                and near[0][1] == "name"
                and not lines[j].lstrip().startswith(_BULLETS)
                and all(kind in ("name", "place", "date") for _, kind in near)
            ):
                found.add(near[0][0].split(",")[0].strip())
    return found
