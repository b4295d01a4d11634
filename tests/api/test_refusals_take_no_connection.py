"""A request the API refuses before it knows who calls (no credential, one not shaped as any we issue, a token whose
signature fails, a practice request past its limit) is refused without a pooled connection. Routes that took their
connection first (a `DbConn` parameter solved before the check) let an anonymous burst spend the pool and its
bounded queue of waiters: every other caller then got 503 `database_unavailable`, and `/readyz` answered
`not_ready`, which takes the replica out of rotation. Here the pool's only connection is held by the test while
every route of the table is called so: each must still give its own refusal, never wait for the pool (a 503)."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest

from api.app import create_app
from api.db.pool import DatabaseUnavailableError
from api.web import EmbedLookups
from tests.api.conftest import serve
from tests.api.route_table import NIL_UUID, ROUTES, full_app
from tests.conftest import ApiServer

SID = "ses_" + "0" * 24
# Routes that read the database for any caller by design: a burst of them is held to a connection or two instead
# (test_a_burst_of_a_route_anyone_may_call_leaves_the_pool_to_others; `/metrics` as `DatabaseGauges` says).
NEEDS_THE_DATABASE = {"GET /readyz", "GET /metrics", "GET /embed/{org_slug}", "HEAD /embed/{org_slug}"}


def _path(template: str) -> str:
    for name, value in (
        ("{session_id}", SID),
        ("{org_slug}", "acme-hiring"),
        ("{language}", "python"),
        ("{token}", "shr_x"),
        ("{name}", "report.pdf"),
    ):
        template = template.replace(name, value)
    for name in ("{link_id}", "{callback_id}", "{endpoint_id}", "{delivery_id}", "{key_id}"):
        template = template.replace(name, NIL_UUID)
    return template


def _callers(kind: str) -> list[dict[str, str]]:
    """No credential, and one of the kind's scheme that is not shaped as any credential we issue."""
    if kind in ("greenhouse", "ashby"):
        return [{}, {"Authorization": "Basic " + base64.b64encode(b"x:").decode()}]
    if kind == "webhook":
        return [{}, {"Authorization": "Bearer x"}]
    return [
        {},
        {"Authorization": "Bearer x"},
        {"Authorization": "Bearer inv_x"},
        {"Authorization": "Bearer shk_x"},
    ]


def _body(spec_body: Any) -> Any:
    if spec_body == {"invite": "{invite}"}:
        return {"invite": "inv_x"}
    return spec_body


async def test_refusals_before_the_caller_is_known_never_wait_for_the_pool(api_server: ApiServer) -> None:
    settings = api_server.settings.model_copy(
        update={
            "db_pool_min": 1,
            "db_pool_max": 1,
            "db_pool_timeout_s": 0.5,  # a route that waits for the held connection answers 503 after this
            "practice_rate_limit": "1/hour",
        }
    )
    app = create_app(settings)
    async with serve(settings, app=app) as client:
        async with app.state.pool.connection():
            unserved = await client.post("/v1/practice", json={})
        assert (unserved.status_code, unserved.json()["error"]["code"]) == (503, "database_unavailable")
        # That 503 took back what it counted (a retry through an outage spent the hour's allowance otherwise).
        spent = await client.post("/v1/practice", json={})  # the address's one practice session this hour
        assert spent.status_code == 201, spent.text
        waited: list[str] = []
        asked = 0
        async with app.state.pool.connection():  # the pool's only connection, held throughout
            for key, spec in ROUTES.items():
                method, template = key.split(" ", 1)
                if method == "MOUNT" or key in NEEDS_THE_DATABASE:
                    continue
                callers = [{}] if spec.kind in ("public", "link", "join") else _callers(spec.kind)
                for headers in callers:
                    r = await client.request(method, _path(template), json=_body(spec.body), headers=headers)
                    asked += 1
                    if r.status_code >= 500:
                        waited.append(f"{key} {headers}: {r.status_code} {r.text[:100]}")
        assert waited == [], "\n".join(waited)
        assert asked > 250


@pytest.mark.parametrize("path", ["/readyz", "/embed/acme-hiring"])
async def test_a_burst_of_a_route_anyone_may_call_leaves_the_pool_to_others(
    api_server: ApiServer, tmp_path: Path, path: str
) -> None:
    # The pool has two connections and room for two waiters: a burst that took a connection per request spent them
    # and the queue, and most of it (and any other caller meanwhile) was 503. `/readyz` shares one check among the
    # requests that arrive together; `/embed/{slug}`'s lookups hold at most EMBED_LOOKUPS (2) connections at once,
    # so the other caller waits behind two at most.
    settings = api_server.settings.model_copy(
        update={"db_pool_min": 2, "db_pool_max": 2, "db_pool_max_waiting": 2, "db_pool_timeout_s": 10.0}
    )
    app = full_app(settings, tmp_path / "web")  # the candidate page's routes need a built page
    async with serve(app.state.settings, app=app) as client:
        await app.state.pool.wait(timeout=30)  # both connections open (the pool opens them in the background)
        burst = [client.get(path) for _ in range(60)]
        other = client.get("/v1/organization", headers=api_server.org_headers())
        answers = await asyncio.gather(*burst, other)
    assert {r.status_code for r in answers[:-1]} == {200}, {r.text[:100] for r in answers[:-1]}
    assert answers[-1].status_code == 200, answers[-1].text


async def test_embed_lookups_are_counted_per_address_before_any_lookup(
    api_server: ApiServer, tmp_path: Path
) -> None:
    # A loop over unknown slugs from one address was never limited: each a lookup, queued for the two slots.
    settings = api_server.settings.model_copy(update={"embed_client_rate_limit": "3/minute"})
    app = full_app(settings, tmp_path / "web")
    async with serve(app.state.settings, app=app) as client:
        unknown = [await client.get(f"/embed/nobody-{i}") for i in range(3)]
        malformed = await client.get("/embed/Not_A_Slug")  # no lookup, so not counted
        limited = await client.get("/embed/acme-hiring")
        head = await client.head("/embed/acme-hiring")
    assert [r.status_code for r in unknown] == [404, 404, 404]
    assert malformed.status_code == 404
    assert (limited.status_code, limited.json()["error"]["code"]) == (429, "rate_limited")
    assert int(limited.headers["retry-after"]) >= 1
    assert head.status_code == 429


async def test_embed_lookups_beyond_the_waiting_bound_are_refused_at_once_with_retry_after() -> None:
    lookups = EmbedLookups(1, 2, wait_s=30.0)
    release = asyncio.Event()
    served: list[int] = []

    async def lookup(n: int) -> None:
        async with lookups.held():
            served.append(n)
            await release.wait()

    holder = asyncio.create_task(lookup(0))
    waiters = [asyncio.create_task(lookup(n)) for n in (1, 2)]
    await asyncio.sleep(
        0
    )  # each task runs to its first wait: the holder on `release`, the others for the slot
    assert lookups.waiting == 2
    with pytest.raises(DatabaseUnavailableError) as refused:
        async with lookups.held():
            pass
    assert (refused.value.code, refused.value.retry_after) == ("database_unavailable", 1)
    release.set()
    await asyncio.gather(holder, *waiters)
    assert served == [0, 1, 2] and lookups.waiting == 0
    async with lookups.held():  # room again
        pass
