"""The candidate notice: versioned Jinja2 templates in api/notices/, rendered for one session and hashed.

A consent event stores the version and the SHA-256 of the exact HTML shown, so what a candidate agreed to can be
shown later even after the text changes (a change is a new template file; old ones stay).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.notice_versions import NOTICE_DIR, current_version, versions
from api.scheduling import allowed_minutes

LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "java": "Java", "cpp": "C++"}
SPOKEN = {"en": "English", "es": "Spanish"}
# How long an org-less practice session is kept: its notice states it, the retention job applies it.
PRACTICE_RETENTION_DAYS = 30


@dataclass(frozen=True)
class Notice:
    version: str
    html: str

    @cached_property  # a rendered notice is cached and shown on every join
    def sha256(self) -> str:
        return hashlib.sha256(self.html.encode("utf-8")).hexdigest()

    def view(self) -> dict[str, str]:
        return {"version": self.version, "sha256": self.sha256, "html": self.html}


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(NOTICE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a missing variable fails loudly instead of leaving a hole in a legal text
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def retention_days(org: dict[str, Any] | None) -> int:
    """The period the notice states: the organisation's `retention_days`, or the practice period."""
    return int(org["retention_days"]) if org else PRACTICE_RETENTION_DAYS


def render_notice(
    session: dict[str, Any], org: dict[str, Any] | None, languages: list[str], version: str | None = None
) -> Notice:
    """The notice for this session, in `version` (default: the current one)."""
    version = version or current_version()
    if version not in versions():
        raise LookupError(version)
    values = {
        "org_name": org["name"] if org else "Shadows (practice)",
        "role": session.get("role"),
        "minutes": allowed_minutes(session),
        "extra_time_minutes": int(session.get("extra_time_minutes") or 0),
        "languages": _join([LANGUAGE_NAMES.get(x, x) for x in languages]),
        "spoken": SPOKEN.get(str(session.get("interview_language") or "en"), "English"),
        "retention_days": retention_days(org),
        "allow_text_only": bool(org and org["allow_text_only"]) or bool(session.get("text_only")),
        # Only an organisation places legal holds (api.legal_holds); a practice session has none.
        "legal_hold_possible": org is not None,
    }
    return _render(version, tuple(sorted(values.items())))


@lru_cache(maxsize=1024)
def _render(version: str, values: tuple[tuple[str, Any], ...]) -> Notice:
    """One render per version and distinct set of values: every join shows the notice, and most sessions of an
    organisation share theirs. The values are all the template sees, so equal values are the same text."""
    html = _environment().get_template(f"{version}.html.j2").render(**dict(values))
    return Notice(version=version, html=html.strip())
