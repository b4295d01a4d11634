"""Limits on guessed credentials: invite, API key and ATS key lookups that find nothing.

Every route an invite, an organisation's API key or an ATS key (Greenhouse's or Ashby's Basic username)
authenticates looks the credential up in Postgres (a pooled connection and an indexed query). A lookup that finds
nothing (an unknown, mistyped or revoked credential) is counted in the app's rate-limit store (api.ratelimits: Redis
when `SHADOWS_API_REDIS_URL` is set) three times: per client address
(`SHADOWS_API_CREDENTIAL_GUESS_CLIENT_RATE_LIMIT`; IPv6: its /64), per IPv6 /48 site (`..._SITE_RATE_LIMIT`), and
for every caller together (`..._GLOBAL_RATE_LIMIT`). Past the first two that request and every later one from the
address answer 429 `rate_limited`; past the global one, 429 `credentials_busy`. An ATS key we issued and revoked
(`integrations_repo.was_revoked`) is no guess and is not counted: Greenhouse and Ashby call every customer's routes
from a few shared addresses, which one customer's stale key would otherwise spend for all of them.

Once the store has refused one, this process refuses the rest until its Retry-After with no store round trip and no
lookup (a moving window frees a place only as its oldest entry ages out). What is refused is only what cannot be
told apart from a guess without the database: a credential this process has seen open its session or organisation
(the digests of the last `KNOWN_MAX`) is looked up as before, from a spent address too, so a candidate already in
their interview is never locked out by someone guessing on the same network or on many.

A valid credential costs nothing here but in-process checks: no round trip to the store, before or after its
lookup. A bearer that is not shaped like one we issue (prefix, length, alphabet; api.security.well_formed) is refused
before this (401, as an unknown one) and counted nowhere: it costs no lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Literal

import structlog
from fastapi import Request

from api.app_state import app_state
from api.errors import RateLimitedError
from api.metrics import CREDENTIAL_GUESS_LIMITED, CREDENTIAL_LOOKUPS_FAILED
from api.ratelimits import RateLimits, client_bucket, client_site
from api.settings import ApiSettings
from api.spent_until import SpentUntil

log = structlog.get_logger(__name__)

Credential = Literal["invite", "api_key", "integration_key"]
CREDENTIALS_BUSY = "credentials_busy"
KNOWN_MAX = (
    20_000  # digests of credentials seen valid (32 bytes each): every live interview and key of a replica
)
SPENT_MAX = 10_000  # spent addresses and sites held at once (api/spent_until.py: the bound)
_STATE = "guess_guard"  # on app.state
_ADDRESS_MESSAGE = "Too many invalid credentials from this address; try again later."
_SITE_MESSAGE = "Too many invalid credentials from this network; try again later."
_BUSY_MESSAGE = "Too many invalid credentials are being tried; try again later."


class GuessGuard:
    """This process's view of the guess limits: spent addresses and sites, the global budget spent until (each
    `api.spent_until.SpentUntil`), and the credentials it has seen valid. Kept on `app.state` (one per app)."""

    def __init__(self) -> None:
        self.spent = SpentUntil(SPENT_MAX)  # "client <bucket>" or "site <bucket>"
        self.busy = SpentUntil(1)  # the global budget: "all"
        self.known: OrderedDict[bytes, None] = OrderedDict()


def guard(request: Request) -> GuessGuard:
    return app_state(request, _STATE, GuessGuard)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refused(kind: str, retry_after: int) -> RateLimitedError:
    CREDENTIAL_GUESS_LIMITED.labels(kind=kind).inc()
    if kind == "global":
        return RateLimitedError(_BUSY_MESSAGE, code=CREDENTIALS_BUSY, retry_after=retry_after)
    return RateLimitedError(_SITE_MESSAGE if kind == "site" else _ADDRESS_MESSAGE, retry_after=retry_after)


def admit(request: Request, key: bytes) -> None:
    """Before a lookup of the credential whose digest is `key`: RateLimitedError (429) if its address or site is
    spent, or the global budget is, unless this process has seen the credential valid. In-process only."""
    g = guard(request)
    if not g.spent and not g.busy:
        return  # nothing spent since start: the common case, two length reads
    if key in g.known:
        return
    if (wait := g.busy.retry_after("all")) is not None:
        raise _refused("global", wait)
    address = _address(request)
    for kind, bucket in (("client", client_bucket(address)), ("site", client_site(address))):
        if bucket is not None and (wait := g.spent.retry_after(f"{kind} {bucket}")) is not None:
            raise _refused(kind, wait)


def opened(request: Request, key: bytes) -> None:
    """After a lookup that found the credential: remember it as valid (it is admitted whatever is spent)."""
    known = guard(request).known
    if key in known:
        known.move_to_end(key)
        return
    known[key] = None
    if len(known) > KNOWN_MAX:
        known.popitem(last=False)


async def failed(request: Request, key: bytes, credential: Credential) -> None:
    """After a lookup that found nothing: count it per address, per site and globally (a store round trip: only a
    failed lookup pays it). RateLimitedError (429) past any; this process then refuses that address, or every
    credential it has not seen valid, until Retry-After (`admit`)."""
    g = guard(request)
    g.known.pop(key, None)
    CREDENTIAL_LOOKUPS_FAILED.labels(credential=credential).inc()
    settings: ApiSettings = request.app.state.settings
    ratelimits: RateLimits = request.app.state.ratelimits
    address = _address(request)
    site = client_site(address)
    counts: list[tuple[str, str, str, str]] = [
        ("client", settings.credential_guess_client_rate_limit, client_bucket(address), _ADDRESS_MESSAGE)
    ]
    if site is not None:
        counts.append(("site", settings.credential_guess_site_rate_limit, site, _SITE_MESSAGE))
    counts.append(("global", settings.credential_guess_global_rate_limit, "all", _BUSY_MESSAGE))
    for kind, spec, bucket, message in counts:
        code = CREDENTIALS_BUSY if kind == "global" else None
        try:
            await ratelimits.hit(f"credential_guess_{kind}", spec, bucket, message=message, code=code)
        except RateLimitedError as e:
            if kind == "global":
                g.busy.spend("all", e.retry_after)
            else:
                g.spent.spend(f"{kind} {bucket}", e.retry_after)
            CREDENTIAL_GUESS_LIMITED.labels(kind=kind).inc()
            log.warning("credential_guess.limited", kind=kind, credential=credential)  # never the credential
            raise
