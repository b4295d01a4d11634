"""Limits on guessed credentials: invite, API key and ATS key lookups that find nothing.

Every route an invite, an organisation's API key or an ATS key (Greenhouse's or Ashby's Basic username)
authenticates looks the credential up in Postgres (a pooled connection and an indexed query). A lookup that finds
nothing (an unknown, mistyped or revoked credential) is counted in the app's rate-limit store (api.ratelimits: Redis
when `SHADOWS_API_REDIS_URL` is set) three times: per client address
(`SHADOWS_API_CREDENTIAL_GUESS_CLIENT_RATE_LIMIT`; IPv6: its /64), per IPv6 /48 site (`..._SITE_RATE_LIMIT`), and
for every caller together (`..._GLOBAL_RATE_LIMIT`). Past the first two that request and every later one from the
address answer 429 `rate_limited`; past the global one, 429 `credentials_busy`. An ATS key we issued and revoked
(`integration_keys_repo.was_revoked`) is no guess and is not counted: Greenhouse and Ashby call every customer's routes
from a few shared addresses, which one customer's stale key would otherwise spend for all of them.

Once the store has refused one, this process refuses the rest until its Retry-After with no store round trip and no
lookup (a moving window frees a place only as its oldest entry ages out). What is refused is only what cannot be
told apart from a guess without the database: a credential this process has seen open its session or organisation
(the digests of the last `KNOWN_MAX`) is looked up as before, from a spent address too, so a candidate already in
their interview is never locked out by someone guessing on the same network or on many.

The global budget spent refuses only callers that failed a lookup themselves: their address (IPv6: its /64) or its
/48 failed one in the last `RECENT_S` seconds (429 `credentials_busy`). Refusing every caller would let ten
addresses sending eight made-up invites a second hold the budget spent, and with it every candidate's first
`/v1/join`, every key on a freshly started replica and the ATS partners' keys, for as long as they cared to. A
caller with no recent failure has its lookup: a valid credential opens; a failed one is answered 429
`credentials_busy` and makes its caller recent, so an attacker gets about one lookup per address or /48 per
`RECENT_S` on each replica it reaches. Those lookups are bounded as well: failures past the global budget are
counted in a second budget of the same size (scope `credential_guess_overflow`, in the store, so replicas share it),
and past that this process refuses every credential it has not seen valid until its Retry-After. Holding that shut
takes, at the defaults, 30,000 failures an hour at six an hour from each address or /48 on each replica: 5,000 of
them against one replica, not ten. Recent failures are held in this process, not in the store: admitting is
in-process (a route admits before it takes a pooled connection) and a valid credential must not wait on the store,
so each replica learns of an address from its first failure there.

A valid credential costs nothing here but in-process checks: no round trip to the store, before or after its
lookup. A bearer that is not shaped like one we issue (prefix, length, alphabet; api.security.well_formed) is refused
before this (401, as an unknown one) and counted nowhere: it costs no lookup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import structlog

from api.app_state import app_state
from api.errors import RateLimitedError
from api.metrics import CREDENTIAL_GUESS_LIMITED, CREDENTIAL_LOOKUPS_FAILED
from api.ratelimits import RateLimits, client_bucket, client_site
from api.settings import ApiSettings
from api.spent_until import SpentUntil

if TYPE_CHECKING:  # FastAPI in the API's processes; the job worker reaches this module without it
    from fastapi import Request

log = structlog.get_logger(__name__)

Credential = Literal["invite", "api_key", "integration_key"]
CREDENTIALS_BUSY = "credentials_busy"
KNOWN_MAX = (
    20_000  # digests of credentials seen valid (32 bytes each): every live interview and key of a replica
)
SPENT_MAX = 10_000  # spent addresses and sites held at once, and as many recent ones (api/spent_until.py)
# While the global budget is spent, an address or /48 that failed a lookup this long ago or less is refused: about one
# lookup each per this long, per replica. A candidate who mistypes their link then waits at most this long.
RECENT_S = 600
_STATE = "guess_guard"  # on app.state
_ADDRESS_MESSAGE = "Too many invalid credentials from this address; try again later."
_SITE_MESSAGE = "Too many invalid credentials from this network; try again later."
_BUSY_MESSAGE = "Too many invalid credentials are being tried; try again later."


class GuessGuard:
    """This process's view of the guess limits: spent addresses and sites, addresses and sites that failed a lookup
    lately, the global budget (and its overflow) spent until (each `api.spent_until.SpentUntil`), and the
    credentials it has seen valid. Kept on `app.state` (one per app)."""

    def __init__(self) -> None:
        self.spent = SpentUntil(SPENT_MAX)  # "client <bucket>" or "site <bucket>"
        self.recent = SpentUntil(SPENT_MAX)  # the same keys: failed a lookup in the last RECENT_S
        # "all": the global budget (recent callers refused); "overflow": past it too (every unseen credential)
        self.busy = SpentUntil(2)
        self.known: OrderedDict[bytes, None] = OrderedDict()


def guard(request: Request) -> GuessGuard:
    return app_state(request, _STATE, GuessGuard)


_Dependency = TypeVar("_Dependency", bound=Callable[..., Any])
_LOOKUP_GUARDS: set[Callable[..., Any]] = set()


def lookup_guard(dependency: _Dependency) -> _Dependency:
    """Marks a route dependency that calls `admit` before its lookup: every route depending on it may answer 429
    past these limits, and the OpenAPI document declares that 429 from this mark (api/openapi_doc.py)."""
    _LOOKUP_GUARDS.add(dependency)
    return dependency


def is_lookup_guard(dependency: object) -> bool:
    return any(dependency is marked for marked in _LOOKUP_GUARDS)  # identity: a dependency may be unhashable


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _buckets(address: str) -> list[tuple[str, str]]:
    """The address's buckets: ("client", its address or /64) and, for IPv6, ("site", its /48)."""
    site = client_site(address)
    return [("client", client_bucket(address))] + ([("site", site)] if site is not None else [])


def _refused(kind: str, retry_after: int) -> RateLimitedError:
    CREDENTIAL_GUESS_LIMITED.labels(kind=kind).inc()
    if kind == "global":
        return RateLimitedError(_BUSY_MESSAGE, code=CREDENTIALS_BUSY, retry_after=retry_after)
    return RateLimitedError(_SITE_MESSAGE if kind == "site" else _ADDRESS_MESSAGE, retry_after=retry_after)


def admit(request: Request, key: bytes) -> None:
    """Before a lookup of the credential whose digest is `key`: RateLimitedError (429) if its address or site is
    spent, or the global budget is and the address or site failed a lookup lately, or the overflow is spent; never
    for a credential this process has seen valid. In-process only."""
    g = guard(request)
    if not g.spent and not g.busy:
        return  # nothing spent lately: the common case, two length reads
    if key in g.known:
        return
    buckets = _buckets(_address(request))
    for kind, bucket in buckets:
        if (wait := g.spent.retry_after(f"{kind} {bucket}")) is not None:
            raise _refused(kind, wait)
    if (wait := g.busy.retry_after("overflow")) is not None:
        raise _refused("global", wait)
    if (busy := g.busy.retry_after("all")) is None:
        return
    for kind, bucket in buckets:
        if (wait := g.recent.retry_after(f"{kind} {bucket}")) is not None:
            raise _refused("global", min(wait, busy))  # admitted again once either has passed


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
    """After a lookup that found nothing: remember its address and site as recent (in-process), and count it per
    address, per site and globally (a store round trip: only a failed lookup pays it); past the global budget, in
    its overflow too. RateLimitedError (429) past any; this process then refuses that address, or (global) the
    recent callers, or (overflow) every credential it has not seen valid, until Retry-After (`admit`)."""
    g = guard(request)
    g.known.pop(key, None)
    CREDENTIAL_LOOKUPS_FAILED.labels(credential=credential).inc()
    settings: ApiSettings = request.app.state.settings
    ratelimits: RateLimits = request.app.state.ratelimits
    buckets = _buckets(_address(request))
    for kind, bucket in buckets:
        g.recent.spend(f"{kind} {bucket}", RECENT_S)
    specs = {
        "client": settings.credential_guess_client_rate_limit,
        "site": settings.credential_guess_site_rate_limit,
    }
    counts = [(kind, specs[kind], bucket) for kind, bucket in buckets]
    counts.append(("global", settings.credential_guess_global_rate_limit, "all"))
    for kind, spec, bucket in counts:
        try:
            if kind == "global":
                await _count_global(ratelimits, spec, g)
            else:
                message = _SITE_MESSAGE if kind == "site" else _ADDRESS_MESSAGE
                await ratelimits.hit(f"credential_guess_{kind}", spec, bucket, message=message)
        except RateLimitedError as e:
            if kind != "global":
                g.spent.spend(f"{kind} {bucket}", e.retry_after)
            CREDENTIAL_GUESS_LIMITED.labels(kind=kind).inc()
            log.warning("credential_guess.limited", kind=kind, credential=credential)  # never the credential
            raise


async def _count_global(ratelimits: RateLimits, spec: str, g: GuessGuard) -> None:
    """Count a failure in the global budget; past it, in the overflow (the same size): RateLimitedError
    (`credentials_busy`) either way, and past the overflow this process refuses every unseen credential."""
    try:
        await ratelimits.hit(
            "credential_guess_global", spec, "all", message=_BUSY_MESSAGE, code=CREDENTIALS_BUSY
        )
        return
    except RateLimitedError as e:
        g.busy.spend("all", e.retry_after)
        busy = e
    try:
        await ratelimits.hit(
            "credential_guess_overflow", spec, "all", message=_BUSY_MESSAGE, code=CREDENTIALS_BUSY
        )
    except RateLimitedError as e:
        g.busy.spend("overflow", e.retry_after)
        raise
    raise busy
