"""The redaction terms of the candidate's name and e-mail on file (`redaction_terms`): what `BundleInput.redact`
holds. The API reads the name, the e-mail and the other names from the database and passes them here
(api/db/bundle_repo.py): the terms shape what the model reads, so they are the grader's rule and under its version
(grader/prompts.py `source_digest`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

# An address as `candidates.email` holds one (validated: no space, one `@`, a dot in its domain). A name may hold an
# `@` too ("Ada @ Lovelace", "Ada (@adal)"): it is no address, and its parts are scrubbed as a name's.
ADDRESS = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def redaction_terms(name: str | None, email: str | None, other_names: Sequence[str] = ()) -> list[str]:
    """The candidate's name parts (2+ letters), the other names they go by, and e-mail, longest first, for the
    grader to scrub. A name of one letter on its own ("J") is a term too: the redactor reads it only where it
    addresses someone (grader/letter_names.py). An entry of `other_names` shaped as an address (`ADDRESS`) is one
    they gave before (api.db.sessions_repo keeps the name and address a retake replaced), scrubbed as the e-mail is."""
    terms: set[str] = set()
    addresses = [email, *(n for n in other_names if ADDRESS.fullmatch(n.strip()))]
    for n in (name, *(n for n in other_names if not ADDRESS.fullmatch(n.strip()))):
        if not n or not n.strip():
            continue
        terms.update(part for part in re.split(r"[\s,]+", n.strip()) if len(part) >= 2)
        terms.add(n.strip())
    for address in filter(None, addresses):
        terms.add(address)
        local = address.split("@", 1)[0]
        if len(local) >= 3:
            terms.add(local)
    return sorted(terms, key=lambda t: (-len(t), t))
