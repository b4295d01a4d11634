"""A database URL's password never reaches a log or a terminal, whatever is wrong with the URL.

libpq quotes a connection string it cannot parse whole in its error (`missing "=" after "postgres+psycopg://user:
<password>@host/db"`): the SQLAlchemy-style scheme many deployments copy from another service is enough. The
command line printed that error in its traceback, and the API's pool logged it on every retry."""

from __future__ import annotations

import subprocess

import pytest

from api.settings import ApiSettings
from tests.api.conftest import serve
from tests.conftest import ROOT, child_env

PYTHON = ROOT / ".venv" / "bin" / "python"
PASSWORD = "Pw-planted-9c4e1f7a"
UNPARSABLE = f"postgres+psycopg://shadows:{PASSWORD}@127.0.0.1:1/shadows"


@pytest.mark.parametrize(
    "args", [["db", "migrate"], ["orgs", "create", "--name", "Acme"], ["questions", "import"], ["worker"]]
)
def test_the_command_line_refuses_an_unparsable_database_url_without_printing_it(args: list[str]) -> None:
    env = child_env(("SHADOWS_API_",))
    env["DATABASE_URL"] = UNPARSABLE
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code (`python -m api` is `shadows`)
    done = subprocess.run(  # our own CLI, fixed arguments
        [str(PYTHON), "-m", "api", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "DATABASE_URL" in done.stderr, done.stderr[-2000:]
    assert PASSWORD not in done.stdout + done.stderr, "the database password reached the terminal"


async def test_the_api_never_logs_a_database_urls_password(
    api_settings: ApiSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    # Settings read from the environment refuse this URL; this app gets it past them, as a URL libpq accepts at
    # start-up and a later error could still quote would be: the logs themselves must hold the line.
    settings = api_settings.model_copy(
        update={"database_url": UNPARSABLE, "db_pool_min": 1, "db_pool_timeout_s": 1.0}
    )
    async with serve(settings) as client:
        r = await client.get("/readyz")
        assert r.status_code == 503, r.text
    out = capsys.readouterr()
    assert "error connecting in 'shadows-api'" in out.err, (
        "the pool's failure was not logged: " + out.err[-2000:]
    )
    assert PASSWORD not in out.out + out.err, "the database password reached the API's log"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f'missing "=" after "{UNPARSABLE}" in connection info string', PASSWORD),
        ("Error connecting to redis://:r3dis-Secret@cache:6379/0", "r3dis-Secret"),
        ("smtp://mailer:p@ss-w0rd@smtp.example.com:587 refused", "ss-w0rd"),
        ("GET https://tok_9Xq2vLm@hooks.example.com/x failed", "tok_9Xq2vLm"),
        ("host=db port=5432 password=kv-Secret-1 user=shadows", "kv-Secret-1"),
        ("host=db password='quoted secret' user=shadows", "quoted secret"),
    ],
)
def test_credentials_in_a_logged_url_or_connection_string_are_masked(text: str, secret: str) -> None:
    from api.logs import masked_credentials

    event = masked_credentials(None, "warning", {"event": text, "nested": {"detail": [text]}})
    assert secret not in repr(event)
    assert "***" in event["event"]


def test_masking_leaves_addresses_and_paths_that_carry_no_credential() -> None:
    from api.logs import mask_credentials

    for text in ("sent to grace@example.com", "GET http://example.com/users/@me", "host=db user=shadows"):
        assert mask_credentials(text) == text


@pytest.mark.parametrize("json_lines", [True, False])
def test_a_logged_traceback_shows_neither_locals_nor_the_exceptions_text(
    json_lines: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    # Holds (pinned), in the readable local format too: structlog's console renderer would print a rich
    # traceback with every frame's locals for a record that still carried its exception.
    import logging

    import structlog

    from api.logs import configure_logging

    def connect(dsn: str) -> None:
        password = dsn.split(":")[2].split("@")[0]  # a local holding the secret
        raise ValueError(f"cannot use {dsn} ({len(password)} characters)")

    configure_logging(json_lines=json_lines)
    for emit in (
        lambda: logging.getLogger("some.library").exception("connecting failed"),
        lambda: structlog.get_logger("api.test").error("connecting.failed", exc_info=True),
    ):
        try:
            connect(f"postgresql://shadows:{PASSWORD}@db/shadows")
        except ValueError:
            emit()
    err = capsys.readouterr().err
    assert "connecting failed" in err and "connecting.failed" in err and "ValueError" in err
    assert PASSWORD not in err
