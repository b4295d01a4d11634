"""Shared fixtures: a real PostgreSQL server, a fresh migrated database per test, and the real API over HTTP."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import uvicorn
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.app import create_app
from api.db.embedded import EmbeddedPostgres
from api.db.migrate import migrate
from api.db.orgs_repo import create_org
from api.db.pool import connection, create_pool
from api.db.questions_repo import upsert_bank
from api.settings import ApiSettings
from judge.bank import load_bank

ROOT = Path(__file__).resolve().parents[1]
# One template per pytest-xdist worker: workers share a server when DATABASE_URL is set.
TEMPLATE_DB = "shadows_template_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
LIVEKIT_KEY = "test-livekit-key"
LIVEKIT_SECRET = "test-livekit-secret-" + "x" * 40
DB_FIXTURES = {"pg_admin_url", "template_db", "db_url", "db", "api_settings", "api_server"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _with_db(url: str, name: str) -> str:
    return str(psycopg.conninfo.make_conninfo(url, dbname=name))


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    """DATABASE_URL when set (its server must allow CREATE DATABASE); otherwise a throw-away local cluster."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    root = Path(tempfile.mkdtemp(prefix="shadows-pg-"))
    os.chmod(root, 0o755)  # the postgres user must traverse it
    pg = EmbeddedPostgres(root, fast_unsafe=True)
    url = pg.start()
    try:
        yield url
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str) -> str:
    """A database migrated and loaded with the question bank once; each test copies it."""
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(TEMPLATE_DB)))
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(TEMPLATE_DB)))
    url = _with_db(pg_admin_url, TEMPLATE_DB)

    async def prepare() -> None:
        await migrate(url)
        pool = create_pool(url, min_size=1, max_size=1)
        await pool.open()
        try:
            async with connection(pool) as conn:
                await upsert_bank(conn, load_bank(ROOT / "questions"))
        finally:
            await pool.close()

    asyncio.run(prepare())
    return url


@pytest.fixture
def db_url(pg_admin_url: str, template_db: str) -> Iterator[str]:
    """A fresh database per test, copied from the template (isolation per test)."""
    name = "t_" + secrets.token_hex(6)
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(TEMPLATE_DB)
            )
        )
    try:
        yield _with_db(pg_admin_url, name)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[psycopg.AsyncConnection[DictRow]]:
    async with await psycopg.AsyncConnection.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


@pytest.fixture
def api_settings(db_url: str, tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        _env_file=None,  # type: ignore[call-arg]  # pydantic-settings init kwarg: ignore a developer's .env
        environment="test",
        database_url=db_url,
        internal_token=secrets.token_urlsafe(32),
        livekit_url="ws://127.0.0.1:7880",
        livekit_api_key=LIVEKIT_KEY,
        livekit_api_secret=LIVEKIT_SECRET,
        practice_enabled=True,
        log_json=False,
        data_dir=tmp_path / "data",
        questions_dir=ROOT / "questions",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ApiServer:
    """The real app under uvicorn on 127.0.0.1, with one organisation created."""

    url: str
    settings: ApiSettings
    org_id: str
    org_key: str
    client: httpx.AsyncClient
    app: Any = field(repr=False)

    @property
    def internal_token(self) -> str:
        return self.settings.internal_token.get_secret_value()

    def org_headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.org_key}"}

    def internal_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.internal_token}"}

    async def create_org(self, name: str) -> tuple[str, str]:
        async with connection(self.app.state.pool) as conn:
            org_id, key = await create_org(conn, name)
        return str(org_id), key

    async def create_session(self, key: str | None = None, **body: Any) -> dict[str, Any]:
        body.setdefault("candidate", {"name": "Ada Lovelace", "email": "ada@example.com"})
        r = await self.client.post("/v1/sessions", json=body, headers=self.org_headers(key))
        assert r.status_code == 201, r.text
        return dict(r.json())


@pytest.fixture
async def api_server(api_settings: ApiSettings) -> AsyncIterator[ApiServer]:
    port = free_port()
    api_settings = api_settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    app = create_app(api_settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    if task.done():
        task.result()
    assert server.started, "uvicorn did not start"
    url = f"http://127.0.0.1:{port}"
    async with connection(app.state.pool) as conn:
        org_id, key = await create_org(conn, "Acme Hiring")
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        try:
            yield ApiServer(
                url=url, settings=api_settings, org_id=str(org_id), org_key=key, client=client, app=app
            )
        finally:
            server.should_exit = True
            await task
