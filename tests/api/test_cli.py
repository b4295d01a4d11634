"""The `shadows` command line as a subprocess against a real database: migrations and organisation keys."""

from __future__ import annotations

import psycopg
import pytest

from api.db.migrate import discover
from tests.api.conftest import run_shadows
from tests.conftest import ApiServer


def test_db_migrate_applies_all_then_nothing_the_second_time(empty_db_url: str) -> None:
    versions = [m.version for m in discover()]

    first = run_shadows(["db", "migrate"], empty_db_url)
    second = run_shadows(["db", "migrate"], empty_db_url)

    assert first.returncode == 0, first.stderr
    assert f"applied {len(versions)} migration(s): {', '.join(versions)}" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "applied 0 migration(s)" in second.stdout
    with psycopg.connect(empty_db_url) as conn:
        rows = conn.execute(
            "select version from supabase_migrations.schema_migrations order by version"
        ).fetchall()
    assert [r[0] for r in rows] == versions


async def test_orgs_create_prints_the_key_alone_on_the_last_line_and_it_works_as_a_bearer_key(
    api_server: ApiServer, db_url: str
) -> None:
    proc = run_shadows(["orgs", "create", "--name", "Initech"], db_url)

    assert proc.returncode == 0, proc.stderr
    key = proc.stdout.strip().splitlines()[-1]
    assert key.startswith("shk_")
    assert key == key.strip() and " " not in key
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "Peter", "email": "peter@example.com"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert r.status_code == 201, r.text
    listed = await api_server.client.get("/v1/sessions", headers={"Authorization": f"Bearer {key}"})
    assert [s["id"] for s in listed.json()["data"]] == [r.json()["id"]]
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select o.name, k.prefix from organizations o join api_keys k on k.organization_id = o.id "
            "where o.name = 'Initech'"
        ).fetchone()
        stored = conn.execute(
            "select count(*) from api_keys where key_hash = sha256(%s::bytea)", (key.encode(),)
        )
        assert stored.fetchone() == (1,)
        raw = conn.execute("select count(*) from api_keys where prefix = %s", (key,)).fetchone()
    assert row == ("Initech", key[:8])
    assert raw == (0,)


@pytest.mark.parametrize("blank", ["   ", "\u200b\u2067 \u3164", "\n\t"])
def test_orgs_create_with_blank_name_fails_without_creating_anything(db_url: str, blank: str) -> None:
    proc = run_shadows(["orgs", "create", "--name", blank], db_url)
    assert proc.returncode == 1
    assert "--name" in proc.stderr
    assert "Traceback" not in proc.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from organizations").fetchone() == (0,)


def test_orgs_create_keeps_the_name_to_one_visible_line_as_the_api_does(db_url: str) -> None:
    # Shown to candidates (their page, the notice they agree to, the invite e-mail): a right-to-left override would
    # make it read as something else there, a line break would break the e-mail's header.
    proc = run_shadows(["orgs", "create", "--name", " Acme\u202e gnirih\u202c\nLabs\u200b "], db_url)
    assert proc.returncode == 0, proc.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select name from organizations").fetchall() == [("Acme gnirih Labs",)]


async def test_orgs_keys_create_list_and_revoke_even_the_last_key(api_server: ApiServer, db_url: str) -> None:
    made = run_shadows(["orgs", "keys", "create", "--org", "acme-hiring", "--name", "rotated"], db_url)
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    assert key.startswith("shk_") and key == key.strip() and " " not in key
    assert (
        await api_server.client.get("/v1/organization", headers=api_server.org_headers(key))
    ).status_code == 200

    listed = run_shadows(["orgs", "keys", "list", "--org", "acme-hiring"], db_url)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith(made.stdout.split()[3])  # newest first: the new key's id
    assert key[:8] in lines[0] and lines[0].endswith("rotated") and "active" in lines[0]
    assert key not in listed.stdout and api_server.org_key not in listed.stdout

    # The operator may revoke an organisation's last keys (its recovery path); the last one comes with a warning.
    first_id, new_id = lines[1].split()[0], lines[0].split()[0]
    first = run_shadows(["orgs", "keys", "revoke", first_id], db_url)
    assert first.returncode == 0 and "revoked" in first.stdout and "warning" not in first.stderr
    last = run_shadows(["orgs", "keys", "revoke", new_id], db_url)
    assert last.returncode == 0, last.stderr
    assert "no active API key left" in last.stderr
    for k in (key, api_server.org_key):
        r = await api_server.client.get("/v1/organization", headers=api_server.org_headers(k))
        assert r.status_code == 401


async def test_orgs_keys_list_names_each_issuer_and_revoke_with_issued_takes_the_keys_under_it(
    api_server: ApiServer, db_url: str
) -> None:
    """The operator's recovery path for a leaked key takes what it issued with it, as the API's
    `?with_issued=true` does; before, the CLI could revoke only the leaked key itself, and its list showed no issuer."""
    s = api_server
    made = []
    for by in (s.org_key, None):  # a, issued by the main key; b, issued by a
        r = await s.client.post(
            "/v1/api-keys", json={"name": "x"}, headers=s.org_headers(by or made[-1]["key"])
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    a, b = made
    listed = run_shadows(["orgs", "keys", "list", "--org", "acme-hiring"], db_url)
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[1].rstrip("…"): line for line in listed.stdout.strip().splitlines()}
    assert f"issued by {a['prefix']}…" in lines[b["prefix"]]
    assert f"issued by {s.org_key[:8]}…" in lines[a["prefix"]]
    assert "issued by cli" in lines[s.org_key[:8]]

    proc = run_shadows(["orgs", "keys", "revoke", a["id"], "--with-issued"], db_url)
    assert proc.returncode == 0, proc.stderr
    revoked = [line.split()[1] for line in proc.stdout.strip().splitlines()]
    assert revoked == [a["id"], b["id"]]
    for gone in (a, b):
        r = await s.client.get("/v1/organization", headers=s.org_headers(gone["key"]))
        assert r.status_code == 401, r.text
    assert (await s.client.get("/v1/organization", headers=s.org_headers())).status_code == 200


def test_orgs_keys_refuse_an_unknown_org_or_key_without_a_traceback(db_url: str) -> None:
    for args in (
        ["orgs", "keys", "create", "--org", "no-such-org"],
        ["orgs", "keys", "revoke", "not-a-uuid"],
        ["orgs", "keys", "revoke", "00000000-0000-4000-8000-000000000000"],
        ["orgs", "keys", "revoke", "00000000-0000-4000-8000-000000000000", "--with-issued"],
    ):
        proc = run_shadows(args, db_url)
        assert proc.returncode == 1 and proc.stderr.startswith("error:"), (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    with psycopg.connect(db_url) as conn:
        assert conn.execute("select count(*) from api_keys").fetchone() == (0,)


@pytest.mark.parametrize(
    ("workers", "redis", "warned"), [(2, None, True), (2, "redis://127.0.0.1:1/0", False), (1, None, False)]
)
def test_several_api_workers_without_redis_warn_that_rate_limits_are_per_process(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    workers: int,
    redis: str | None,
    warned: bool,
) -> None:
    import uvicorn

    from api.cli_serve import serve_api
    from api.settings import ApiSettings

    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(kw))
    monkeypatch.setattr("api.app.create_app", lambda settings: object())
    settings = ApiSettings(_env_file=None, redis_url=redis)  # type: ignore[call-arg]
    serve_api(settings, "127.0.0.1", 0, workers)
    assert served and served[0].get("workers", 1) == workers
    err = capsys.readouterr().err
    assert ("each holds its own rate limits" in err) == warned, err
