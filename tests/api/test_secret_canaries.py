"""Every secret the API holds, set to a distinctive canary, driven through the failure paths where secrets leak in
practice (a database and a Redis that refuse the connection, wrong and missing tokens, an unknown route, a
rate-limited route without its limiter), and looked for everywhere an operator, a client or a trace backend can
read: the responses' bodies and headers, the process's logs, the exported spans, `/metrics`, and the job rows
procrastinate keeps (their arguments are visible to whoever reads the queue)."""

from __future__ import annotations

import base64
import subprocess

import psycopg
import pytest
from psycopg.rows import DictRow
from pydantic import SecretStr

from api.db.orgs_repo import create_org
from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ROOT, child_env, free_port
from tests.fakes.otlp_receiver import OtlpReceiver

Conn = psycopg.AsyncConnection[DictRow]

CANARY = {
    "db_password": "cnry-db-pw-5e1d0b",
    "redis_password": "cnry-redis-pw-a83f27",
    "internal_token": "cnry-internal-token-71c0e9d4b2a6f8e3d5c1b7a9",
    "share_signing_key": "cnry-share-key-0f3e8d2c6b4a9e1d7c5b3a0f8e6d",
    "livekit_api_secret": "cnry-livekit-secret-c4b2a0f8e6d4c2b0a8f6e4d2",
    "metrics_token": "cnry-metrics-token-9d7c5b3a1f0e8d6c4b2a0f9e",
    "supabase_key": "cnry-supabase-key-2b4d6f8a0c2e4f6a8c0e2d4f",
    "smtp_password": "cnry-smtp-pw-3c5e7a",
    "ashby_api_key": "cnry-ashby-key-6e8a0c2e4b",  # an organisation's, given to us and sealed at rest
}
# A Fernet key is 32 bytes, base64: this one spells a canary once decoded, and is one as written.
SEALING_KEY = base64.urlsafe_b64encode(b"cnry-sealing-key-0123456789abcde").decode()


def _canaried(api_settings: ApiSettings, otlp_endpoint: str) -> ApiSettings:
    assert api_settings.database_url
    dsn = str(psycopg.conninfo.make_conninfo(api_settings.database_url, password=CANARY["db_password"]))
    return api_settings.model_copy(
        update={
            "database_url": dsn,  # the test server trusts local connections: the password is never asked for
            "redis_url": f"redis://:{CANARY['redis_password']}@127.0.0.1:{free_port()}/0",  # refuses connections
            "internal_token": SecretStr(CANARY["internal_token"]),
            "share_signing_key": SecretStr(CANARY["share_signing_key"]),
            "livekit_api_secret": SecretStr(CANARY["livekit_api_secret"]),
            "metrics_token": SecretStr(CANARY["metrics_token"]),
            "supabase_service_role_key": SecretStr(CANARY["supabase_key"]),
            "smtp_url": SecretStr(f"smtp://mailer:{CANARY['smtp_password']}@127.0.0.1:{free_port()}"),
            "sealing_keys": SecretStr(SEALING_KEY),
            "otlp_endpoint": otlp_endpoint,
        }
    )


def _assert_free_of_canaries(where: str, text: str) -> None:
    for name, value in [*CANARY.items(), ("sealing_keys", SEALING_KEY)]:
        assert value not in text, f"{name} reached {where}"


async def test_no_secret_reaches_a_response_a_log_a_span_metrics_or_a_job_row(
    api_settings: ApiSettings, db: Conn, capsys: pytest.CaptureFixture[str]
) -> None:
    _, key = await create_org(db, "Canary Org")
    org = {"Authorization": f"Bearer {key}"}
    seen: list[str] = []
    async with OtlpReceiver() as receiver:
        settings = _canaried(api_settings, receiver.endpoint)
        async with serve(settings) as client:  # its Redis refuses the connection: rate-limited routes fail
            responses = [
                await client.get("/healthz"),
                await client.get("/readyz"),
                await client.get("/metrics"),  # no token
                await client.get("/metrics", headers={"Authorization": "Bearer wrong"}),
                await client.get("/metrics", headers={"Authorization": f"Bearer {CANARY['metrics_token']}"}),
                await client.get(
                    "/v1/internal/sessions/ses_nope/context", headers={"Authorization": "Bearer x"}
                ),
                await client.get("/v1/no-such-route"),
                await client.post("/v1/practice", json={}),
                await client.post("/v1/sessions", json={"candidate": {"name": "C"}}, headers=org),
            ]
            metrics = responses[4]
            assert metrics.status_code == 200, metrics.text
            assert "shadows_" in metrics.text, "the metrics were not served"
            assert responses[7].json()["error"]["code"] == "rate_limiter_unavailable"
        # The same secrets with a Redis that answers (the test's own, without a password).
        async with serve(settings.model_copy(update={"redis_url": api_settings.redis_url})) as client:
            responses += [
                await client.post("/v1/sessions", content=b"{not json", headers=org),
                # Issuing an Ashby key queues the job that hands the ATS its links.
                await client.post(
                    "/v1/integrations/ashby/keys",
                    json={"ashby_api_key": CANARY["ashby_api_key"]},
                    headers=org,
                ),
            ]
            assert responses[-1].status_code == 201, responses[-1].text
    for r in responses:
        seen.append(f"{r.request.method} {r.request.url.path}: {r.status_code} {dict(r.headers)} {r.text}")
    for entry in seen:
        _assert_free_of_canaries("a response", entry)
    out = capsys.readouterr()
    _assert_free_of_canaries("the logs", out.out + out.err)
    assert receiver.spans, "the requests were not traced"
    _assert_free_of_canaries("the trace backend", b"".join(receiver.bodies).decode("utf-8", "replace"))
    cur = await db.execute("select task_name, args::text as args from procrastinate_jobs")
    jobs = await cur.fetchall()
    assert jobs, "no job was queued"
    _assert_free_of_canaries("a job row", repr(jobs))


@pytest.mark.parametrize(
    # Not `worker`: it waits 30 s for the database before giving up (tests/api/test_dsn_hygiene.py has it).
    "args",
    [["orgs", "create", "--name", "Acme"], ["grade", "ses_canary"]],
    ids=" ".join,
)
def test_the_command_line_prints_no_secret_when_its_services_are_down(args: list[str]) -> None:
    # Holds (pinned): every service refuses the connection, and the command fails with a traceback that names the
    # error (typer's, without the frames' locals: `settings` and `url` hold every secret).
    env = child_env(("SHADOWS_", "DATABASE_URL", "LIVEKIT_", "SUPABASE_", "OPENAI_", "DEEPGRAM_"))
    env.update(
        {
            "PYTHONPATH": str(ROOT),  # this checkout's code (`python -m api` is `shadows`)
            "DATABASE_URL": f"postgresql://shadows:{CANARY['db_password']}@127.0.0.1:{free_port()}/shadows",
            "SHADOWS_API_REDIS_URL": f"redis://:{CANARY['redis_password']}@127.0.0.1:{free_port()}/0",
            "SHADOWS_API_INTERNAL_TOKEN": CANARY["internal_token"],
            "SHADOWS_API_SHARE_SIGNING_KEY": CANARY["share_signing_key"],
            "LIVEKIT_API_SECRET": CANARY["livekit_api_secret"],
            "SHADOWS_API_METRICS_TOKEN": CANARY["metrics_token"],
            "SHADOWS_API_STORAGE_BACKEND": "supabase",
            "SUPABASE_URL": f"http://127.0.0.1:{free_port()}",
            "SUPABASE_SERVICE_ROLE_KEY": CANARY["supabase_key"],
            "SHADOWS_API_SMTP_URL": f"smtp://mailer:{CANARY['smtp_password']}@127.0.0.1:{free_port()}",
            "SHADOWS_API_SEALING_KEYS": SEALING_KEY,
        }
    )
    done = subprocess.run(  # our own CLI, fixed arguments
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "api", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=90,
        check=False,
    )
    assert done.returncode != 0, done.stdout[-2000:]
    assert "OperationalError" in done.stderr or "error" in done.stderr.lower(), done.stderr[-2000:]
    _assert_free_of_canaries("the terminal", done.stdout + done.stderr)
