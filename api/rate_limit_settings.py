"""Rate limits of the API in `limits` notation ("300/hour;2000/day"), each refused at start-up when malformed or
when the counters could not keep it."""

from __future__ import annotations

from typing import Annotated

from limits import parse_many
from limits.util import SEPARATORS, SINGLE_EXPR
from pydantic import AfterValidator, BaseModel

# The counters keep one entry per request counted, and the Redis script hands a count or a window on to Redis as a
# Lua number, written as "1e+17" from 10^17 on: Redis refuses that as an integer, and every request of the route
# would be a 503. A limit meant as "no limit" is a large count well inside these (the benchmarks use 100000000/hour).
MAX_COUNT = 1_000_000_000
MAX_WINDOW_S = 366 * 86400


def _limit_notation(v: str) -> str:
    """Refused at start-up, not at the first request it would count: `limits` notation such as "300/hour;2000/day"
    (a malformed one raised at `RateLimits.hit`, a 500 on every request of its route). There is no "off": a count of
    0 would refuse every request of its route for ever, each with a Retry-After that never comes true, and
    `limits` reads a window of 0 units ("10/0 minutes") as one unit; both are refused, as are counts and windows past
    what the counters keep (MAX_COUNT, MAX_WINDOW_S)."""
    try:
        items = parse_many(v)
    except ValueError as e:
        raise ValueError(f"not a rate limit in `limits` notation: {v!r}") from e
    for part in SEPARATORS.split(v):
        match = SINGLE_EXPR.match(part)
        if match and match.group(3) is not None and int(match.group(3)) == 0:
            raise ValueError(
                f"a rate limit over a window of 0 units ({part.strip()!r} in {v!r}): name 1 or more"
            )
    for item in items:
        if item.amount == 0:
            raise ValueError(
                f"a rate limit of 0 requests ({v!r}) refuses every request of its route for ever; there is no "
                "'off': give the largest count the route may take"
            )
        if item.amount > MAX_COUNT or item.get_expiry() > MAX_WINDOW_S:
            raise ValueError(
                f"a rate limit past what the counters keep ({v!r}): at most {MAX_COUNT} requests over at most "
                f"{MAX_WINDOW_S // 86400} days"
            )
    return v


# Every rate limit of the settings is of this type, so none can be read unchecked.
RateLimit = Annotated[str, AfterValidator(_limit_notation)]


class RateLimitSettings(BaseModel):
    """Part of `ApiSettings` (read as SHADOWS_API_<FIELD>): what one caller, link, session or organisation may ask
    for over time. The limits a candidate's page meets (runs, drafts, integrity reports) are `ApiSettings`' own."""

    # Calls to POST /v1/sessions/{id}/agent-dispatch per session (`limits` notation), counted before LiveKit is asked
    # anything: one that finds the interviewer present, or LiveKit failing, uses none of `agent_redispatch_limit`,
    # but each still costs a call to LiveKit's API (whose rate limits every session shares). Past it 429
    # `rate_limited`.
    agent_dispatch_rate_limit: RateLimit = "10/minute;30/hour"
    # Re-grades one organisation may ask for (`limits` notation), across all its sessions: each is a paid grading on
    # the house's model. Past it 429 `rate_limited` with Retry-After, before anything is stored (api/org_limits.py).
    regrade_rate_limit: RateLimit = "200/hour;1000/day"
    # Practice sessions created per client address (IPv6: its /64; api/routers/practice.py).
    practice_rate_limit: RateLimit = "5/hour"
    # And per IPv6 end site (its /48, up to 65,536 /64s): a client rotating its /64s meets this one.
    practice_site_rate_limit: RateLimit = "50/hour"
    # And for every caller together: each practice session is an interview on the house's model and speech bills,
    # and clients on many networks (a botnet, a pool of cloud addresses) each stay within their own limits.
    practice_global_rate_limit: RateLimit = "500/hour"
    # Report PDFs of practice sessions (GET /v1/sessions/{id}/report.pdf with the candidate's invite): each is a
    # headless Chromium's half second of CPU, and a practice invite opens its report for as long as the session is
    # kept. Per practice session, and for every practice session together (429 `practice_busy`).
    practice_pdf_rate_limit: RateLimit = "10/hour"
    practice_pdf_global_rate_limit: RateLimit = "200/hour"
    # Report PDFs one organisation may ask for (GET /v1/sessions/{id}/report.pdf with its key), across its sessions:
    # each is a Chromium render on the API's own host. Past it 429 `rate_limited` with Retry-After.
    report_pdf_rate_limit: RateLimit = "600/hour;5000/day"
    # Reads of report pages and their replay timelines (each a render of about 22 ms of CPU), in the shared store
    # (api/report_limits.py). Through a share link, a view token or a practice invite: per link (a practice
    # session's invite and the coaching links it mints are one), and per client address (IPv6: its /64, and its
    # /48 site at the larger site limit). With an organisation key: per organisation, across its sessions.
    # Past any, 429 `rate_limited` with Retry-After. A reviewer clicking through reports never meets them.
    report_read_link_rate_limit: RateLimit = "60/minute;600/hour"
    report_read_client_rate_limit: RateLimit = "120/minute;1200/hour"
    report_read_site_rate_limit: RateLimit = "600/minute;6000/hour"
    report_read_org_rate_limit: RateLimit = "600/minute;10000/hour"
    # Organisation lookups of the candidate page for iframes (`/embed/{slug}`, anyone may ask), per client address
    # (IPv6: its /64) and per IPv6 end site (its /48), counted before the lookup waits for one of its two slots
    # (api/web.py); past either, 429 `rate_limited` with Retry-After. A candidate (re)loading their page, or a
    # recruiter trying their ATS's embed, never meets them.
    embed_client_rate_limit: RateLimit = "120/minute;1200/hour"
    embed_site_rate_limit: RateLimit = "600/minute;6000/hour"
    # Token reads of a report that open none (an altered, guessed, expired or revoked link), for every caller
    # together: past it such reads answer 429 `report_links_busy` at once (no error page, no per-address count),
    # while links that verify read on under their own limits, so a flood from many networks cannot lock them out.
    report_read_unverified_rate_limit: RateLimit = "300/minute;3000/hour"
    # Invite and API key lookups that find nothing (a guessed, mistyped or revoked credential), on every route such a
    # bearer authenticates (api/guess_limits.py): per client address (IPv6: its /64, and its /48 site at the site
    # limit), and for every caller together. Past one, that address (or, past the global one, every address or /48
    # that failed a lookup in the last 10 minutes, and past an overflow of the same size every credential this
    # process has not seen valid) is answered 429 without a lookup until Retry-After. A credential that opens its
    # session or organisation is never counted, and one this process has seen valid is never refused.
    credential_guess_client_rate_limit: RateLimit = "300/minute;3000/hour"
    credential_guess_site_rate_limit: RateLimit = "1200/minute;12000/hour"
    credential_guess_global_rate_limit: RateLimit = "3000/minute;30000/hour"
    # ATS keys one organisation may issue (Greenhouse and Ashby together): each issue keeps a row 30 days past its
    # revocation and revokes the key the ATS holds; past it 429 `rate_limited` (api/org_limits.py).
    integration_key_rate_limit: RateLimit = "30/hour"
    # Organisation API keys one organisation may issue (POST /v1/api-keys): each issue keeps a row 30 days past its
    # revocation; past it 429 `rate_limited` (api/org_limits.py). The operator's CLI is not counted.
    api_key_issue_rate_limit: RateLimit = "30/hour"
    # Sessions one organisation may create (`limits` notation), by its API key and its ATS keys together; past it
    # 429 `session_rate_limited` with Retry-After (api/org_limits.py).
    session_create_rate_limit: RateLimit = "1000/hour"
    # Session rows an organisation may export over time (api/read_budgets.py), counted before each export is written
    # (its rows plus 100 for the export itself); past it 429 rate_limited. A busy organisation's week (500 sessions)
    # is about 600 rows.
    export_rows_rate_limit: RateLimit = "100000/hour;400000/day"
    # Artifact downloads through the URLs one key listed for one session, in the shared store (api/report_limits.py),
    # counted before the database or storage is read: the slots bound downloads at once, not how many, and a leaked
    # URL fetched in a loop read a megabyte object from storage each time for the URL's hour. Past it 429.
    artifact_download_rate_limit: RateLimit = "60/hour"
    # MiB of artifacts an organisation may download over time, across its sessions and keys (api/read_budgets.py),
    # counted by each object's recorded size (rounded up) before storage is read; past it 429 rate_limited.
    artifact_download_mib_rate_limit: RateLimit = "2048/hour;8192/day"
    # Webhook endpoint writes that resolve a URL's host (a create, an update with a `url`) one organisation may make
    # (`limits` notation), counted before the host is looked up: each is a DNS lookup by the API's resolver. Past it
    # 429 `rate_limited` with Retry-After (api/routers/webhook_endpoints.py).
    webhook_endpoint_rate_limit: RateLimit = "60/hour"
    # Invite e-mails one organisation's ATS-created sessions may queue (`limits` notation); past it the session is
    # still scheduled and its e-mail withheld, recorded and shown to the ATS (api/org_limits.py).
    invite_email_rate_limit: RateLimit = "300/hour"
