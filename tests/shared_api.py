"""One database and one served app for a whole test file (per xdist worker), each test starting from the state a
fresh pair (`tests.conftest.api_server`) would give it: a database and an app a test, about 0.4-0.8 s of setup and
teardown, were most of such a test's time.

A file opts in with

    pytestmark = pytest.mark.asyncio(loop_scope="module")  # or the mark on each test that uses `api_server`
    shared_api_db_url, shared_api, api_server = shared_api_fixtures()

and, when its tests' own connections (`db`) must see the served app's rows, `db_url, db = shared_db_fixtures()`.
Each test's `api_server` is the file's server as a fresh one starts: the template's rows only, the app's state as it
started, none of its rate-limit keys in Redis, then one organisation made ("Acme Hiring"), its key the server's.

Fit only for tests that write to tables the template left empty (not the question bank's) and use the default
settings (`api_settings_for`); a test that builds its own settings or server keeps the per-test fixtures
(`api_settings`, `db_url`, `db`, `serve`)."""

from __future__ import annotations

import dataclasses
import graphlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import psycopg
import pytest
import pytest_asyncio
import redis.asyncio as redis
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.db.orgs_repo import create_org
from api.db.pool import connection
from tests.conftest import ApiServer, _Databases, api_settings_for, serving_api

Conn = psycopg.AsyncConnection[DictRow]


@dataclass
class SharedApi:
    """The file's server, and what each test's start puts back (`reset`): the database's rows as the template had
    them, the app's state as it started and its rate-limit counters (its keys in Redis)."""

    server: ApiServer
    conn: Conn  # the file's own, beside the app's pool
    # Deletes every row of the tables the template left empty, each table's before those of the tables it references.
    emptying: sql.Composable
    sequences: list[tuple[str, int]]  # the sequences those tables own, and where each starts
    started_state: dict[str, object]  # the app's state as it started: each name and its object
    store: redis.Redis

    async def reset(self) -> None:
        # Every row a test or the server writes is in a table the template left empty; the question bank's tables are
        # never written by a file that shares. DELETEs of a few rows (a few ms), not a TRUNCATE: that gives each of the
        # ~45 tables and its indexes new files, 0.3-0.6 s a test.
        await self.conn.execute(self.emptying)
        await self.conn.execute(
            "select setval(s::regclass, v, false) from unnest(%s::text[], %s::bigint[]) as t(s, v)",
            ([name for name, _ in self.sequences], [start for _, start in self.sequences]),
        )
        state = self.server.app.state
        # `api.app_state` objects made on first use (the credential guess guard, caches) go: the next use makes anew.
        for name in set(state) - set(self.started_state):
            delattr(state, name)
        # One a test replaced (`app.state.pdf = PdfRenderer(...)`) is put back.
        for name, value in self.started_state.items():
            if getattr(state, name, None) is not value:
                setattr(state, name, value)
        keys = [key async for key in self.store.scan_iter(match=f"{self.server.settings.redis_prefix}:*")]
        if keys:
            await self.store.delete(*keys)

    async def fresh_server(self) -> ApiServer:
        """The server as a fresh one starts: no rows but the template's, then one organisation made."""
        await self.reset()
        async with connection(self.server.app.state.pool) as conn:
            org_id, key = await create_org(conn, "Acme Hiring")
        return dataclasses.replace(self.server, org_id=str(org_id), org_key=key)


async def _emptying(conn: Conn) -> tuple[sql.Composable, list[tuple[str, int]]]:
    """What empties the tables the template left empty: their DELETEs, each table's before those of the tables it
    references, and the sequences they own with their starts. Fails on a cycle of references (no order deletes it)."""
    cur = await conn.execute(
        "select c.oid, n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where c.relkind in ('r', 'p') and not c.relispartition"
        " and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'"
    )
    empty: dict[int, sql.Identifier] = {}
    for row in await cur.fetchall():
        table = sql.Identifier(row["nspname"], row["relname"])
        found = await conn.execute(sql.SQL("select exists (select from {}) as found").format(table))
        if not (await found.fetchone())["found"]:  # type: ignore[index]  # exists() returns a row
            empty[row["oid"]] = table
    cur = await conn.execute(
        "select conrelid, confrelid from pg_constraint where contype = 'f' and conrelid = any(%s)",
        (list(empty),),
    )
    referenced_by: dict[int, set[int]] = {oid: set() for oid in empty}
    for row in await cur.fetchall():
        if row["confrelid"] in empty and row["confrelid"] != row["conrelid"]:
            referenced_by[row["confrelid"]].add(row["conrelid"])
    # graphlib orders a node after its predecessors: a referenced table after every table that references it.
    order = list(graphlib.TopologicalSorter(referenced_by).static_order())
    emptying = sql.SQL("; ").join(sql.SQL("delete from {}").format(empty[oid]) for oid in order)
    cur = await conn.execute(
        "select s.oid::regclass::text as name, q.seqstart from pg_class s"
        " join pg_sequence q on q.seqrelid = s.oid"
        " join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid"
        " and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i')"
        " where s.relkind = 'S' and d.refobjid = any(%s)",
        (list(empty),),
    )
    return emptying, [(row["name"], row["seqstart"]) for row in await cur.fetchall()]


class SharedApiFixtures(NamedTuple):
    """The fixtures a file binds at module level (pytest registers them under these names, whatever it binds)."""

    shared_api_db_url: object
    shared_api: object
    api_server: object


def shared_api_fixtures() -> SharedApiFixtures:
    """The fixtures of a file that shares one database and one served app among its tests (the module's docstring):
    bind each at the calling module's top level. The tests that use them run on the module's event loop."""

    @pytest.fixture(name="shared_api_db_url", scope="module")
    def shared_api_db_url(pg_admin_url: str, _databases: _Databases) -> Iterator[str]:
        """The file's database, copied from the template once."""
        with _databases.lent(pg_admin_url) as url:
            yield url

    @pytest_asyncio.fixture(name="shared_api", scope="module", loop_scope="module")
    async def shared_api(
        request: pytest.FixtureRequest,
        shared_api_db_url: str,
        redis_url: str,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> AsyncIterator[SharedApi]:
        data_dir = tmp_path_factory.mktemp(request.module.__name__.rpartition(".")[2]) / "data"
        async with (
            await psycopg.AsyncConnection.connect(
                shared_api_db_url, autocommit=True, row_factory=dict_row
            ) as conn,
            redis.Redis.from_url(redis_url) as store,
        ):
            emptying, sequences = await _emptying(conn)  # before the server makes its first organisation
            async with serving_api(api_settings_for(shared_api_db_url, data_dir, redis_url)) as server:
                started = {name: server.app.state[name] for name in server.app.state}
                yield SharedApi(server, conn, emptying, sequences, started, store)

    @pytest_asyncio.fixture(name="api_server", loop_scope="module")
    async def api_server(request: pytest.FixtureRequest, shared_api: SharedApi) -> ApiServer:
        """The file's server as a fresh one starts (`SharedApi.fresh_server`)."""
        mark = request.node.get_closest_marker("asyncio")
        if mark is None or mark.kwargs.get("loop_scope") != "module":
            # On another loop its client's connections belong to the server's loop: hangs or "attached to a
            # different loop" errors, far from the cause.
            pytest.fail(f"{request.node.nodeid} shares the file's app: mark it asyncio(loop_scope='module')")
        return await shared_api.fresh_server()

    return SharedApiFixtures(shared_api_db_url, shared_api, api_server)


class SharedDbFixtures(NamedTuple):
    db_url: object
    db: object


def shared_db_fixtures() -> SharedDbFixtures:
    """`db_url` and `db` for a file bound to `shared_api_fixtures()` whose tests' own connections must see the served
    app's rows: the file's database, a connection to it on the module's event loop."""

    @pytest.fixture(name="db_url")
    def db_url(shared_api_db_url: str) -> str:
        return shared_api_db_url

    @pytest_asyncio.fixture(name="db", loop_scope="module")
    async def db(db_url: str) -> AsyncIterator[Conn]:
        async with await psycopg.AsyncConnection.connect(
            db_url, autocommit=True, row_factory=dict_row
        ) as conn:
            yield conn

    return SharedDbFixtures(db_url, db)
