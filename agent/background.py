"""What the interviewer may know of the candidate's background: a summary of skills and projects from the
résumé (never contact details: no name, e-mail, phone, address or profile links), and a job-description excerpt,
in the greeting only.

The résumé's header block (before the first section heading) is where contact details live, so it is dropped;
the sections kept are the ones about skills, projects and experience; anything that still looks like contact
data is removed line by line.

The summary is shown in the greeting alone, but the background talk it leads to (an employer, a school, a project,
said by either side) stays in the conversation: a model shown it carries it into the graded phases' lines ("as in
your ledger at Acme"), which the grader reads, and the grader hides the candidate's identity, not where they worked
or studied. So every later phase's model turn sees the conversation without the greeting's messages
(``without_background``), a note in their place; the transcript and the event log keep them.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from livekit.agents import llm

from agent.prompts import render

RESUME_CHARS = 1200
JD_CHARS = 800

_KEEP = re.compile(
    r"^\s*(?:technical\s+)?(?:skills?|projects?|experience|work experience|professional experience|"
    r"technolog(?:y|ies)|tech stack|tools|languages|programming languages|open source|achievements|"
    r"habilidades|competencias|proyectos|experiencia(?: laboral| profesional)?|tecnolog[ií]as|herramientas|"
    r"lenguajes)\s*:?\s*$",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^\s*[A-Za-zÁÉÍÓÚÑáéíóúñ][A-Za-zÁÉÍÓÚÑáéíóúñ &/-]{2,40}:?\s*$")
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail
    r"|(?:https?://|www\.)\S+"  # links
    r"|\b(?:linkedin|github|gitlab|twitter|x)\.com/\S*"
    r"|\+?\d[\d\s().-]{7,}\d"  # phone numbers
    r"|\b\d{1,5}\s+\w+(?:\s\w+)*\s(?:street|st|avenue|ave|road|rd|lane|ln|blvd|calle|avenida)\b",
    re.IGNORECASE,
)
_CONTACT_WORDS = re.compile(
    r"\b(?:e-?mail|phone|tel[eé]fono|address|direcci[oó]n|linkedin|github)\b\s*:", re.I
)


def _excerpt(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."


def resume_summary(
    resume: str | None, candidate_name: str | None = None, *, limit: int = RESUME_CHARS
) -> str:
    """Skills, projects and experience from ``resume``, contact details removed; "" when nothing is left."""
    if not resume or not resume.strip():
        return ""
    lines = resume.splitlines()
    sections: list[str] = []
    keeping = False
    found_heading = False
    for line in lines:
        if _KEEP.match(line):
            keeping, found_heading = True, True
            sections.append(line.strip().rstrip(":") + ":")
            continue
        if _HEADING.match(line) and not line.strip().endswith((".", ",")):
            found_heading = True
            keeping = False
            continue
        if keeping:
            sections.append(line)
    kept = sections if found_heading else lines[1:]  # no headings at all: at least drop the name line
    names = [p for p in (candidate_name or "").split() if len(p) > 1]
    out: list[str] = []
    for line in kept:
        if _CONTACT_WORDS.search(line):
            continue
        line = _CONTACT.sub(" ", line)
        for part in names:
            line = re.sub(rf"\b{re.escape(part)}\b", "the candidate", line, flags=re.IGNORECASE)
        if line.strip():
            out.append(line.strip())
    return _excerpt(" ".join(out), limit) if out else ""


def job_excerpt(job_description: str | None, *, limit: int = JD_CHARS) -> str:
    if not job_description or not job_description.strip():
        return ""
    return _excerpt(_CONTACT.sub(" ", job_description), limit)


BACKGROUND_NOTE_ID = "shadows_background_left_out"


def without_background(ctx: llm.ChatContext, items: Collection[str]) -> llm.ChatContext:
    """``ctx`` without the greeting's messages (``items``: their ids), one system note where the first of them was;
    ``ctx`` itself when it holds none of them. Tool calls and their outputs stay (a phase change, a run)."""
    if not items or not any(_is_background(item, items) for item in ctx.items):
        return ctx
    out = ctx.copy()
    found = [at for at, item in enumerate(out.items) if _is_background(item, items)]
    if not found:
        return ctx
    dropped = set(found)
    kept = [item for at, item in enumerate(out.items) if at not in dropped]
    if not any(item.id == BACKGROUND_NOTE_ID for item in kept):
        note = llm.ChatMessage(id=BACKGROUND_NOTE_ID, role="system", content=[render("background_left_out")])
        kept.insert(found[0], note)  # every item before the first one dropped is kept
    out.items[:] = kept
    return out


def _is_background(item: llm.ChatItem, items: Collection[str]) -> bool:
    return item.id in items and isinstance(item, llm.ChatMessage) and item.role in ("user", "assistant")
