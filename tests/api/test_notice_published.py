"""A published notice version is never edited. A consent binds to the exact text the candidate was shown (its hash),
and during a rolling deploy replicas of two releases answer the same page: were a version's template edited in
place, the two releases would render two texts under one version, each refusing the other's consent, and a text
agreed to could no longer be produced from its version. A changed text is a new version (a new file, with its
recorded table); the ones before it stay as they are."""

from __future__ import annotations

import hashlib

from api.notice_versions import NOTICE_DIR, versions

# The SHA-256 of each published template, as it shipped. Add the new version's line when it is published; never
# change a line (copy the template to the next version instead).
PUBLISHED = {
    "v1": "2f4e42e356d84572e634bf1f269a1fbc786853ab8b2d812170cd0d3b925d5f6c",
    "v2": "1e938b0ae2e4e6c7e88614a9594ff50f67f86156d23e4d37c3899c3690cfcb17",
    "v3": "3440e06a82eef9ef42dbf9ea974dac655dbeeacb500c7dc6354d0f8ff9d5cb27",
}


def test_every_published_notice_template_is_unchanged_and_still_ships() -> None:
    shipped = {v: hashlib.sha256((NOTICE_DIR / f"{v}.html.j2").read_bytes()).hexdigest() for v in versions()}
    for version, digest in PUBLISHED.items():
        assert version in shipped, f"notice {version} was published: a consent to it must keep its text"
        assert shipped[version] == digest, (
            f"notice {version} was published and is edited in place: copy it to a new version instead"
        )
    unlisted = sorted(set(shipped) - PUBLISHED.keys())
    assert not unlisted, f"a new notice version ships: add its digest to PUBLISHED ({unlisted})"
