"""Organisation settings and slugs, the /join and /embed pages' headers, compression and HEAD, the offline API
documents, and the question catalogue."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import DictRow, dict_row

from api.db.migrate import discover, migrate
from api.db.orgs_repo import create_org, slugify
from api.error_codes import ERROR_CODES
from api.schemas import SessionCreate
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ApiServer
from tests.shared_api import shared_api_fixtures

Conn = psycopg.AsyncConnection[DictRow]
ROOT = Path(__file__).resolve().parents[2]

# One served app for the file's `api_server` tests, each starting from the state a fresh one would give it
# (`tests.shared_api`), on the file's event loop (`shares_the_app`). The tests with their own connection (`db`) or
# server (`api_settings`) keep the per-test fixtures.
shared_api_db_url, shared_api, api_server = shared_api_fixtures()
shares_the_app = pytest.mark.asyncio(loop_scope="module")


def test_slugify_keeps_ascii_letters_and_digits() -> None:
    assert slugify("Acme Hiring, Inc.") == "acme-hiring-inc"
    assert slugify("  Ünïcödé  Ltd ") == "unicode-ltd"
    assert slugify("!!!") == "org"
    assert slugify("東京") == "org"
    assert len(slugify("x" * 300)) == 40


async def test_new_organisations_get_unique_slugs(db: Conn) -> None:
    slugs = []
    for name in ("Acme", "ACME", "acme!"):
        org_id, _ = await create_org(db, name)
        cur = await db.execute("select slug from organizations where id = %s", (org_id,))
        slugs.append((await cur.fetchone())["slug"])  # type: ignore[index]  # just created
    assert slugs == ["acme", "acme-2", "acme-3"]


async def test_migration_derives_slugs_for_existing_organisations(pg_admin_url: str, tmp_path: Path) -> None:
    name = "t_" + tmp_path.name[-12:].replace("-", "_").lower()
    with psycopg.connect(pg_admin_url, autocommit=True) as c:
        c.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(pg_admin_url, dbname=name)
    try:
        before = tmp_path / "before"
        before.mkdir()
        for m in discover():
            if m.version < "20261205000000":
                (before / m.path.name).write_text(m.sql)
        await migrate(url, before)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True, row_factory=dict_row) as conn:
            for org in ("Acme Hiring", "acme hiring", "***", "Ünïcödé"):
                await conn.execute("insert into organizations (name) values (%s)", (org,))
            await migrate(url)
            cur = await conn.execute(
                "select name, slug, embed_origins, allow_text_only from organizations order by created_at, id"
            )
            rows = await cur.fetchall()
        assert {r["name"]: r["slug"] for r in rows}["***"] == "org"
        assert sorted(r["slug"] for r in rows if r["name"].lower() == "acme hiring") == [
            "acme-hiring",
            "acme-hiring-2",
        ]
        assert all(r["embed_origins"] == [] and r["allow_text_only"] is False for r in rows)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as c:
            c.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@shares_the_app
async def test_organization_read_and_update(api_server: ApiServer) -> None:
    r = await api_server.client.get("/v1/organization", headers=api_server.org_headers())
    assert r.status_code == 200
    org = r.json()
    assert (org["name"], org["slug"], org["embed_origins"]) == ("Acme Hiring", "acme-hiring", [])
    assert org["allow_text_only"] is False and org["allow_resubmission"] is False

    r = await api_server.client.patch(
        "/v1/organization",
        json={
            "embed_origins": [
                "https://ats.example.com",
                "HTTPS://ATS.example.com/",
                "https://*.greenhouse.io:8443",
            ],
            "logo_url": "https://cdn.example.com/logo.png",
            "retention_days": 90,
        },
        headers=api_server.org_headers(),
    )
    assert r.status_code == 200, r.text
    org = r.json()
    assert org["embed_origins"] == ["https://ats.example.com", "https://*.greenhouse.io:8443"]
    assert org["logo_url"] == "https://cdn.example.com/logo.png" and org["retention_days"] == 90
    cleared = await api_server.client.patch(
        "/v1/organization", json={"logo_url": ""}, headers=api_server.org_headers()
    )
    assert cleared.json()["logo_url"] is None
    assert cleared.json()["embed_origins"] == org["embed_origins"], "fields left out stay"


@shares_the_app
@pytest.mark.parametrize(
    "body",
    [
        {"embed_origins": ["https://ats.example.com/careers"]},
        {"embed_origins": ["http://ats.example.com"]},
        {"embed_origins": ["https://a.com; script-src *"]},
        {"embed_origins": ["https://a.com 'unsafe-inline'"]},
        {"embed_origins": ["javascript:alert(1)"]},
        {"embed_origins": ["*"]},
        {"embed_origins": ["https://a.com"] * 21},
        {"logo_url": "http://insecure.example.com/logo.png"},
        {"logo_url": 'https://x.com/a"onerror=alert(1)'},
        {"slug": "Not A Slug"},
        {"slug": "-x-"},
        {"slug": "acme\n"},  # `$` in re.match also matches before a final newline: it was a 500
        {"retention_days": 0},
        {"name": ""},
        {"unknown": 1},
    ],
)
async def test_organization_update_refuses_unsafe_values(api_server: ApiServer, body: dict[str, Any]) -> None:
    r = await api_server.client.patch("/v1/organization", json=body, headers=api_server.org_headers())
    assert r.status_code == 422, r.text


@shares_the_app
@pytest.mark.parametrize(
    "origin",
    [
        "https://*.com",
        "https://*.co.uk",
        "https://*.github.io",  # a private suffix: every GitHub Pages site
        "https://*.s3.amazonaws.com:443",
        "https://*.foo.ck",  # under the list's wildcard rule `*.ck`
        "https://*.corp",  # a top-level domain the list does not know is a suffix by its default rule
        "https://*.xn--p1ai",
    ],
)
async def test_wildcard_embed_origin_over_a_public_suffix_is_refused(
    api_server: ApiServer, origin: str
) -> None:
    # `https://*.co.uk` in frame-ancestors lets every site under .co.uk frame the candidate page.
    r = await api_server.client.patch(
        "/v1/organization", json={"embed_origins": [origin]}, headers=api_server.org_headers()
    )
    assert r.status_code == 422, r.text
    assert "public suffix" in r.json()["error"]["message"]
    org = (await api_server.client.get("/v1/organization", headers=api_server.org_headers())).json()
    assert org["embed_origins"] == []


@shares_the_app
async def test_wildcard_embed_origin_over_a_registrable_domain_is_kept(api_server: ApiServer) -> None:
    origins = [
        "https://*.example.co.uk",
        "https://*.acme.github.io",
        "https://*.greenhouse.io",
        "https://github.io",
    ]
    r = await api_server.client.patch(
        "/v1/organization", json={"embed_origins": origins}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["embed_origins"] == origins


@shares_the_app
@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Acme \u202egnirih", "Acme gnirih"),  # an override made the candidate notice read as something else
        ("Acme\nHiring\r\n", "Acme Hiring"),
        ("  Acme\u2028Hiring ", "Acme Hiring"),
    ],
)
async def test_organization_name_is_one_visible_line(api_server: ApiServer, sent: str, stored: str) -> None:
    # The name is shown to candidates: on their page, in the notice they agree to, in the invite e-mail.
    r = await api_server.client.patch(
        "/v1/organization", json={"name": sent}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == stored
    join = await api_server.client.post(
        "/v1/join", json={"invite": (await api_server.create_session())["invite"]}
    )
    assert join.json()["organization"]["name"] == stored


@shares_the_app
@pytest.mark.parametrize("blank", ["\u200b", "\u3164\u3164", " \u202e ", "\u2800"])
async def test_organization_name_that_shows_nothing_is_refused(api_server: ApiServer, blank: str) -> None:
    r = await api_server.client.patch(
        "/v1/organization", json={"name": blank}, headers=api_server.org_headers()
    )
    assert r.status_code == 422, r.text
    org = (await api_server.client.get("/v1/organization", headers=api_server.org_headers())).json()
    assert org["name"] == "Acme Hiring"


@shares_the_app
async def test_slug_taken_by_another_org_is_409(api_server: ApiServer) -> None:
    _, other_key = await api_server.create_org("Globex")
    r = await api_server.client.patch(
        "/v1/organization", json={"slug": "acme-hiring"}, headers=api_server.org_headers(other_key)
    )
    assert (r.status_code, r.json()["error"]["code"]) == (409, "slug_taken")
    ok = await api_server.client.patch(
        "/v1/organization", json={"slug": "globex-2027"}, headers=api_server.org_headers(other_key)
    )
    assert ok.json()["slug"] == "globex-2027"


@shares_the_app
async def test_docs_use_bundled_assets_only(api_server: ApiServer) -> None:
    for path in ("/docs", "/redoc"):
        html = (await api_server.client.get(path)).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', html) + re.findall(r"url: '([^']+)'", html)
        assert urls, path
        for url in urls:
            assert url.startswith("/"), f"{path} loads {url} from elsewhere"
            assert (await api_server.client.get(url)).status_code == 200, url
        assert "fonts.googleapis" not in html and "cdn." not in html


@shares_the_app
async def test_public_document_hides_internal_routes_and_declares_security(api_server: ApiServer) -> None:
    doc = (await api_server.client.get("/openapi.json")).json()
    paths = set(doc["paths"])
    assert not [p for p in paths if p.startswith("/v1/internal") or p == "/v1/livekit/webhook"]
    assert {"/v1/questions", "/v1/organization", "/v1/sessions/{session_id}/consent"} <= paths
    schemes = doc["components"]["securitySchemes"]
    assert set(schemes) == {"OrgKey", "Invite", "GreenhouseKey", "AshbyKey"}
    assert doc["paths"]["/v1/sessions"]["post"]["security"] == [{"OrgKey": []}]
    # The ATS partners' routes declare HTTP Basic with their own key, every one of them.
    for prefix, scheme in (
        ("/integrations/greenhouse/", "GreenhouseKey"),
        ("/integrations/ashby/", "AshbyKey"),
    ):
        assert {k: schemes[scheme][k] for k in ("type", "scheme")} == {"type": "http", "scheme": "basic"}
        ops = [op for p, item in doc["paths"].items() if p.startswith(prefix) for op in item.values()]
        assert len(ops) >= 3, prefix
        assert all(op["security"] == [{scheme: []}] and "401" in op["responses"] for op in ops), prefix
    # Declared only: a malformed Basic header is still our 401 with our code, with no challenge a browser answers.
    for path in ("/integrations/greenhouse/list_tests", "/integrations/ashby/assessment.list"):
        r = await api_server.client.request(
            "GET" if "greenhouse" in path else "POST", path, headers={"Authorization": "Basic !!!"}
        )
        assert (r.status_code, r.json()["error"]["code"]) == (401, "invalid_credentials"), path
        assert "www-authenticate" not in r.headers and "detail" not in r.json(), path
    assert doc["paths"]["/v1/sessions/{session_id}/drafts"]["get"]["security"] == [{"Invite": []}]
    assert doc["paths"]["/v1/livekit/token"]["post"]["security"] == [{"Invite": []}]
    responses = doc["paths"]["/v1/sessions/{session_id}/start"]["post"]["responses"]
    assert {"401", "404", "409", "410", "422"} <= set(responses)
    assert "consent_required" in responses["409"]["description"]
    assert (
        responses["422"]["content"]["application/json"]["schema"]["$ref"]
        == "#/components/schemas/ErrorResponse"
    )
    assert "| `session_time_up` | 409 |" in doc["info"]["description"]


@shares_the_app
async def test_documented_examples_are_accepted(api_server: ApiServer) -> None:
    doc = (await api_server.client.get("/openapi.json")).json()
    example = doc["paths"]["/v1/sessions"]["post"]["requestBody"]["content"]["application/json"]["example"]
    SessionCreate.model_validate(example)
    r = await api_server.client.post("/v1/sessions", json=example, headers=api_server.org_headers())
    assert r.status_code == 201, r.text
    assert r.json()["language"] == "python"
    patch_example = doc["components"]["schemas"]["OrganizationUpdate"]["examples"][0]
    r = await api_server.client.patch(
        "/v1/organization", json=patch_example, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text


def test_every_error_code_raised_is_documented() -> None:
    raised = set()
    for path in (ROOT / "api").rglob("*.py"):
        raised |= set(re.findall(r'code="([a-z_]+)"', path.read_text()))
        raised |= set(re.findall(r'^\s+code = "([a-z_]+)"', path.read_text(), re.M))
    assert raised, "the scan finds codes"
    assert sorted(raised - set(ERROR_CODES)) == []


@shares_the_app
async def test_question_catalogue_lists_the_bank_without_contents(api_server: ApiServer) -> None:
    r = await api_server.client.get("/v1/questions", headers=api_server.org_headers())
    assert r.status_code == 200
    data = r.json()["data"]
    assert len(data) == len([p for p in (ROOT / "questions").iterdir() if (p / "question.yaml").exists()])
    two_sum = next(q for q in data if q["slug"] == "two-sum")
    assert two_sum["title"] == "Two Sum" and two_sum["hidden_tests"] > 0
    assert "statement_md" not in r.text and "expected" not in r.text
    easy = (
        await api_server.client.get("/v1/questions?difficulty=Easy", headers=api_server.org_headers())
    ).json()
    assert easy["data"] and all(q["difficulty"] == "Easy" for q in easy["data"])
    created = await api_server.create_session(question_id=two_sum["id"])
    assert created["question_id"] == two_sum["id"]
    assert (
        await api_server.client.get("/v1/questions?difficulty=Impossible", headers=api_server.org_headers())
    ).status_code == 422


async def test_embed_page_ignores_a_stored_wildcard_over_a_public_suffix(
    api_settings: ApiSettings, db: Conn, tmp_path: Path
) -> None:
    # An origin stored before the rule existed frames nothing; the organisation's others still do.
    (tmp_path / "index.html").write_text("<!doctype html><title>page</title>")
    await create_org(db, "Old Corp")
    await db.execute(
        "update organizations set embed_origins = %s where slug = 'old-corp'",
        (["https://*.github.io", "https://ats.example.com"],),
    )
    await db.commit()
    async with serve(api_settings.model_copy(update={"web_dir": tmp_path})) as client:
        r = await client.get("/embed/old-corp")
    assert r.status_code == 200, r.text
    assert "frame-ancestors https://ats.example.com;" in r.headers["content-security-policy"] + ";"
    assert "github.io" not in r.headers["content-security-policy"]


@shares_the_app
@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        # An override at the end reversed the welcome's sentence saying the interviewer is an AI.
        ("Backend engineer \u202e", "Backend engineer"),
        ("Backend\u2067 engineer\u2069", "Backend engineer"),
        ("Backend\nengineer\u2028", "Backend engineer"),
    ],
)
async def test_a_role_is_one_visible_line_on_creation_and_on_update(
    api_server: ApiServer, sent: str, stored: str
) -> None:
    # The role is shown to the candidate on the welcome, inside the sentence that says the interviewer is an AI.
    created = await api_server.create_session(role=sent)
    join = await api_server.client.post("/v1/join", json={"invite": created["invite"]})
    assert join.json()["session"]["role"] == stored
    r = await api_server.client.patch(
        f"/v1/sessions/{created['id']}", json={"role": f"Senior {sent}"}, headers=api_server.org_headers()
    )
    assert r.status_code == 200, r.text
    join = await api_server.client.post("/v1/join", json={"invite": created["invite"]})
    assert join.json()["session"]["role"] == f"Senior {stored}"


@shares_the_app
@pytest.mark.parametrize("blank", ["\u200b", " \u202e ", "\n"])
async def test_a_role_that_shows_nothing_is_refused(api_server: ApiServer, blank: str) -> None:
    r = await api_server.client.post(
        "/v1/sessions",
        json={"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"}, "role": blank},
        headers=api_server.org_headers(),
    )
    assert r.status_code == 422, r.text
