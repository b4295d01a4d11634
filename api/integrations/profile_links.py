"""Report links handed to integrations (signed share links, `api.share_links`): a fresh one for each webhook event
that carries a `report_url`, and one per ATS assessment for its profile URL, kept sealed and renewed before it
expires (Greenhouse reads it on every test_status; Ashby gets it with the result).

The kept profile link is handed out again only while it still opens the report: revoked, signed with a key that
has since been rotated, or near its expiry, it is replaced by a new one. Revoking the kept link
(`profile_link_revoked`, from the revoke route) also tells the ATS that already holds it: Greenhouse gets another
completion PATCH, after which it reads test_status and with it the new link; Ashby gets the result again with the
new `assessment_profile_url`. Neither contract lets a partner take a profile link back without a replacement
(both require one with a result), so a revocation replaces it; deleting the session removes the report itself.
Replacements are bounded: once the session has SHADOWS_API_SHARE_LINKS_PER_SESSION unexpired links minted for an
ATS (revoked ones count), a revocation stands but is not replaced, and the ATS keeps the dead link it holds until
a new integration key is issued (then it is handed one bound to that key) or the link nears its expiry.
A webhook delivery sent again (retried or replayed) likewise carries a live `report_url` (`live_report_url`).
Links that die without a revocation (near their expiry, or a rotated signing key) are handed over again by the
hourly `refresh_ats_profile_links` job (`refresh_dead_links`).

A profile link is minted for the ATS's integration key (`api.share_links`: it opens the report only while that key
is live), so revoking the key cuts the link the ATS holds at once, and no new one is handed out without a live key
(test_status needs one to be called; the result call needs one to be sent). After a rotation (a new key issued) the
sweep hands the ATS a link bound to the new key; a kept link bound to no key (minted before links were bound) is
replaced the same way, and revoked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from api import share_links
from api.db import ats_callbacks_repo, integration_keys_repo, integrations_repo, share_links_repo
from api.db.pool import Conn
from api.sealing import sealer
from api.settings import ApiSettings

RENEW_WITHIN = timedelta(days=2)  # a kept link with less life than this left is replaced
SWEEP_BATCH = 500
REFRESH_KINDS = {"greenhouse": "completed", "ashby": "result"}  # the call that hands the ATS the profile link


async def new_report_url(conn: Conn, settings: ApiSettings, session_id: str) -> str:
    """A new link to the session's report, with the longest lifetime allowed."""
    link = await share_links.mint(conn, settings, session_id, expires_in_days=settings.share_link_max_days)
    return link.report_url


async def live_report_url(conn: Conn, settings: ApiSettings, session_id: str, url: str) -> str | None:
    """A replacement for a report link about to be sent again (a webhook's `report_url` on a retry or a replay)
    that no longer opens the report (revoked, expired, signed with a rotated key); None when it still does."""
    token = url.rsplit(share_links.REPORTS_PATH, 1)[-1]
    if await _live(conn, settings, token):
        return None
    return await new_report_url(conn, settings, session_id)


def _kept_token(settings: ApiSettings, kept: dict[str, Any] | None) -> str | None:
    if not kept or not kept["profile_url_sealed"]:
        return None
    url = sealer(settings).open(kept["profile_url_sealed"])
    return url.rsplit(share_links.REPORTS_PATH, 1)[-1]


async def _live(
    conn: Conn, settings: ApiSettings, token: str, *, integration_key_id: UUID | None = None
) -> bool:
    """Whether the kept link still opens the report (current key, row present, not revoked, not expired, its
    integration key live) and, with `integration_key_id`, was minted for that key."""
    try:
        opened = await share_links.verify(conn, settings, token)
    except (
        share_links.ShareLinkInvalidError,
        share_links.ShareLinkExpiredError,
        share_links.ShareLinkRevokedError,
    ):
        return False
    return integration_key_id is None or opened.integration_key_id == integration_key_id


async def assessment_profile_url(
    conn: Conn, settings: ApiSettings, session_id: str, *, integration_key_id: UUID
) -> str:
    """The ATS assessment's report link for the ATS holding the live integration key `integration_key_id` (the
    caller's, or the one the call back presents): the kept one while it still opens the report, was minted for
    that key and has life left, else a new one bound to that key, kept. Built on the current public URL either
    way."""
    async with conn.transaction():
        kept = await integrations_repo.profile_link(conn, session_id, for_update=True)
        token = _kept_token(settings, kept)
        if (
            token is not None
            and kept is not None
            and kept["profile_url_expires_at"] > datetime.now(UTC) + RENEW_WITHIN
            and (
                await _live(conn, settings, token, integration_key_id=integration_key_id)
                or await _withheld(conn, settings, token, integration_key_id)
            )
        ):
            return share_links.report_url(settings, token)
        link = await share_links.mint(
            conn,
            settings,
            session_id,
            expires_in_days=settings.share_link_max_days,
            integration_key_id=integration_key_id,
        )
        await integrations_repo.keep_profile_link(
            conn, session_id, sealer(settings).seal(link.report_url), link.expires_at
        )
        return link.report_url


async def _withheld(conn: Conn, settings: ApiSettings, token: str, integration_key_id: UUID) -> bool:
    """Whether the kept link is one the organisation revoked and whose replacement was withheld: the session's
    links for an ATS were spent (`profile_link_revoked` keeps a revoked link only then; under the bound it forgets
    it). Only while that link is bound to the key asking: a rotation (a new key) is handed a new link."""
    try:
        link_id, _ = share_links.check_token(settings, token)
    except (share_links.ShareLinkInvalidError, share_links.ShareLinkExpiredError):
        return False
    row = await share_links_repo.get_link(conn, link_id)
    return (
        row is not None
        and row["revoked_at"] is not None
        and row["integration_key_id"] == integration_key_id
        and not row["integration_key_revoked"]
    )


async def _hand_over_again(conn: Conn, session_id: str, provider: str) -> bool:
    """Forget the kept link and, if the ATS was already handed it and still has a live key, queue the call that
    hands it a new one (without a live key the ATS is cut off: it gets nothing)."""
    await integrations_repo.forget_profile_link(conn, session_id)
    assessment = await integrations_repo.get_assessment(conn, session_id)
    if (
        assessment is None
        or await integration_keys_repo.live_key(conn, assessment["organization_id"], provider) is None
    ):
        return False
    kind = REFRESH_KINDS[provider]
    version = await ats_callbacks_repo.handed_over_version(conn, session_id, kind)
    if version is None:
        return False  # never handed over: the next read builds a new link
    cur = await conn.execute(
        "select outbox_emit_ats_callback(%s, %s, %s, %s) as queued", (session_id, provider, kind, version)
    )
    row = await cur.fetchone()
    return bool(row and row["queued"])


async def profile_link_revoked(conn: Conn, settings: ApiSettings, session_id: str, link_id: UUID) -> bool:
    """After `link_id` was revoked (same transaction): when it is the link kept for the session's ATS assessment,
    hand the ATS a new one (see the module docstring). True when a call was queued."""
    kept = await integrations_repo.profile_link(conn, session_id, for_update=True)
    token = _kept_token(settings, kept)
    if kept is None or token is None:
        return False
    try:
        kept_id, _ = share_links.check_token(settings, token)
    except (share_links.ShareLinkInvalidError, share_links.ShareLinkExpiredError):
        return False  # already dead (rotated key, expired): not the link just revoked
    if kept_id != link_id:
        return False
    if await share_links_repo.count_minted_for_ats(conn, session_id) >= settings.share_links_per_session:
        # Each replacement is a new link and a call to the ATS: revoking every replacement as it came (the org key
        # revokes, the ATS key's test_status mints the next) grew both without end. Past the session's bound the
        # revocation stands and nothing replaces it: the ATS keeps the dead link it holds (`_withheld`) until a
        # new integration key (a rotation) is handed a new one.
        return False
    return await _hand_over_again(conn, session_id, kept["provider"])


async def refresh_dead_links(conn: Conn, settings: ApiSettings, *, now: datetime | None = None) -> int:
    """Hand every ATS whose kept profile link dies soon (expires within RENEW_WITHIN) or is dead already (signed
    with a key rotated since, or minted for an integration key revoked since) a new one: Greenhouse and Ashby show
    the link they were given until told otherwise. A kept link bound to no integration key (minted before links
    were bound) is replaced and revoked. Without a live integration key the ATS is handed nothing. Returns how many
    calls were queued. Revocations of a link are handed over at once, by the revoke route."""
    due = (now or datetime.now(UTC)) + RENEW_WITHIN
    queued = 0
    after = ""
    while True:
        batch = await integrations_repo.kept_profile_links(conn, after, SWEEP_BATCH)
        if not batch:
            return queued
        after = batch[-1]["session_id"]
        ids = {kept["session_id"]: _signed_id(settings, kept) for kept in batch}
        bound = await share_links_repo.bound_to_live_key(conn, [i for i in ids.values() if i is not None])
        for kept in batch:
            link_id = ids[kept["session_id"]]
            if kept["profile_url_expires_at"] > due and link_id in bound:
                continue
            async with conn.transaction():
                again = await integrations_repo.profile_link(conn, kept["session_id"], for_update=True)
                if again is None or again["profile_url_sealed"] != kept["profile_url_sealed"]:
                    continue  # renewed meanwhile by a reader
                if link_id is not None and link_id not in bound:
                    # Unbound (minted before links were bound), or its key is gone: it dies now.
                    await share_links_repo.revoke_by_id(conn, link_id)
                queued += await _hand_over_again(conn, kept["session_id"], kept["provider"])


def _signed_id(settings: ApiSettings, kept: dict[str, Any]) -> UUID | None:
    """The kept link's id when it verifies with the current signing key (no database read), else None."""
    token = _kept_token(settings, kept)
    if token is None:
        return None
    try:
        link_id, _ = share_links.check_token(settings, token)
    except (share_links.ShareLinkInvalidError, share_links.ShareLinkExpiredError):
        return None
    return link_id


async def hand_over_after_rotation(
    conn: Conn, settings: ApiSettings, organization_id: UUID, provider: str
) -> int:
    """After the organisation issued a new key for `provider` (a rotation): every assessment whose ATS was handed a
    profile link (its `completed` or `result` call delivered) now holds a dead one, bound to the key that was
    replaced. Hand each a link bound to the live key (forget the kept one, queue the call), at once rather than at
    the hourly sweep's next run. A kept link already bound to the live key is left alone, so running this again
    queues nothing. Returns how many calls were queued."""
    live = await integration_keys_repo.live_key(conn, organization_id, provider)
    if live is None:
        return 0
    queued = 0
    after = ""
    while True:
        cur = await conn.execute(
            """
            select a.session_id from ats_assessments a
            where a.organization_id = %s and a.provider = %s and a.profile_url_sealed is not null
              and a.session_id > %s
              and exists (select 1 from ats_callbacks cb where cb.session_id = a.session_id and cb.kind = %s
                          and cb.status = 'delivered')
            order by a.session_id limit %s
            """,
            (organization_id, provider, after, REFRESH_KINDS[provider], SWEEP_BATCH),
        )
        batch = [str(r["session_id"]) for r in await cur.fetchall()]
        if not batch:
            return queued
        after = batch[-1]
        for session_id in batch:
            async with conn.transaction():
                kept = await integrations_repo.profile_link(conn, session_id, for_update=True)
                token = _kept_token(settings, kept)
                if token is not None and await _live(conn, settings, token, integration_key_id=live["id"]):
                    continue  # already handed a link bound to the live key (a reader or a run before this one)
                queued += await _hand_over_again(conn, session_id, provider)
