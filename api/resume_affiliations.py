"""The organisations a résumé names (where the candidate worked or studied), handed to the grader so that it replaces
them where they are said or written (grader/affiliations.py): the grader is never given the résumé itself.

Read from the résumé's text (at most `max_text_chars`): well-known employers and schools as written (an ambiguous
one, "Amazon", "Oracle", only beside a role or a cue); a school's or a
company's form ("University of Foo", "Foo State University", "Initech Inc"); a name after a role ("Software Engineer
at Initech", "Intern @ Hooli", "Engineer | Initech") or before one on its line ("Initech — Senior Engineer",
"Hooli, Software Engineer"); and after an affiliation cue in prose ("worked at Initech"). A technology, an everyday
word or an algorithm's eponym alone is never one (grader/affiliations.py `worth`). At most `MAX_AFFILIATIONS`."""

from __future__ import annotations

import re

from grader.affiliations import CAPS, COMPANY_FORM, CUED, SCHOOL_FORM, STUDIED, worth
from grader.org_names import CUE_ONLY, EMPLOYERS, SCHOOLS
from grader.word_patterns import alternation

MAX_AFFILIATIONS = 40
MAX_NAME_CHARS = 80

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
KNOWN = EMPLOYERS | SCHOOLS | CUE_ONLY
_KNOWN = alternation(
    (EMPLOYERS | SCHOOLS) - CUE_ONLY
)  # as written anywhere; `CUE_ONLY` ones beside a role or a cue


def affiliations(resume_text: str | None) -> list[str]:
    """The organisations `resume_text` names, longest first."""
    if not resume_text:
        return []
    text = resume_text.replace("\u00a0", " ")
    found: set[str] = set()
    for form in (SCHOOL_FORM, COMPANY_FORM):
        found.update(m.group(0).rstrip(".").removesuffix(",") for m in form.finditer(text))
    for pattern in (_AFTER_ROLE, _BEFORE_ROLE, *CUED, *STUDIED):
        found.update(m["org"] for m in pattern.finditer(text))
    names = {n.strip() for n in found}
    # "Amazon" after a role or a cue too, a technology's name as well; in a list of skills ("Oracle, Redis") not.
    names = {n for n in names if (worth(n) or n in KNOWN) and n.split()[0].lower() not in _NOT_ORGS}
    names = {n for n in names if n.lower() not in _NOT_ALONE and not _ROLE_WORD.search(n)}
    names = {n for n in names if len(n) <= MAX_NAME_CHARS}
    names.update(m.group(0) for m in _KNOWN.finditer(text))
    return sorted(names, key=lambda n: (-len(n), n))[:MAX_AFFILIATIONS]
