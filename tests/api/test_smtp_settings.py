"""A malformed SHADOWS_API_SMTP_URL (or SHADOWS_API_SMTP_FROM) stops the API and the worker at start-up with an error
that names the variable and never quotes the URL (it holds the password). Before, it was accepted at start-up and
noticed at the first invite, which then went to nobody (`invite_email.smtp_url_invalid`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from api.integrations.invites import smtp_options
from api.settings import ApiSettings

PASSWORD = "hunter2-Pw"


def _settings(**values: object) -> ApiSettings:
    return ApiSettings(_env_file=None, environment="test", **values)  # type: ignore[call-arg, arg-type]  # pydantic-settings init kwarg


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example",  # another scheme
        "mail.example:587",  # no scheme at all
        "smtp://",  # no host
        f"smtp://mailer:{PASSWORD}@",  # credentials and no host
        f"smtp://mailer:{PASSWORD}@mail.example:99999",  # port out of range
        f"smtp://mailer:{PASSWORD}@mail.example:0",
        f"smtp://mailer:{PASSWORD}@mail.example:5x87",  # port not a number
        f"smtp://mailer:{PASSWORD}/x@mail.example",  # an unencoded / in the password: a path
        f"smtp://mailer:{PASSWORD}?x@mail.example",  # an unencoded ? in the password: a query
        f"smtp://mailer:{PASSWORD}#x@mail.example",  # an unencoded # in the password: a fragment
        "smtp://mail.example/relay",
        "smtp://mail.example?starttls=false",  # an option nothing reads
        "smtp://mail.example?",
        "smtp://mail example",  # white space in the host
        "smtp://mail.example\n:25",  # urlsplit drops a line break without a word
        f"smtp://mailer:{PASSWORD}\t@mail.example",
        "smtp://mail..example",  # an empty label
        "smtp://mail.exa$mple",  # not a host name
        "smtp://-mail.example",
        f"smtp://:{PASSWORD}@mail.example",  # a password without a user name: no login would be tried
        "smtp://mailer@mail.example",  # a user name without a password
        "smtp://" + "a" * 64 + ".example",  # a label longer than 63
        "smtp://mail.example:25" + "/" * 2_000,  # unbounded
        f"smtp://mailer:pw@[{PASSWORD}]",  # urlsplit's own error quotes what is between the brackets
        f"smtp://mailer:[{PASSWORD}@mail.example",
        f"smtp://mailer:pw@[v1.{PASSWORD}]:25",  # the IPvFuture form urlsplit lets by
        "smtp://[127.0.0.1]:25",  # brackets are for IPv6
    ],
)
def test_a_malformed_smtp_url_is_refused_at_load_naming_the_variable_not_the_password(
    url: str,
) -> None:
    with pytest.raises(ValidationError) as refused:
        _settings(smtp_url=url)
    message = str(refused.value)
    assert "SHADOWS_API_SMTP_URL" in message
    assert PASSWORD not in message and "mail.example" not in message
    # The job meets the same rule when settings come another way (model_copy skips validation).
    unchecked = _settings().model_copy(update={"smtp_url": SecretStr(url)})
    with pytest.raises(ValueError, match="SHADOWS_API_SMTP_URL") as at_send:
        smtp_options(unchecked)
    assert PASSWORD not in str(at_send.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.test", ("mail.test", 587, None, None, False)),
        ("smtp://mail.test/", ("mail.test", 587, None, None, False)),
        ("SMTP://Mail.Test:2525", ("mail.test", 2525, None, None, False)),
        ("smtps://mailer:p%40ss%2Fw%3Fd@mail.test", ("mail.test", 465, "mailer", "p@ss/w?d", True)),
        ("smtps://mailer:p@ss@mail.test:2465", ("mail.test", 2465, "mailer", "p@ss", True)),
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, None, None, False)),
        ("smtp://[::1]:25", ("::1", 25, None, None, False)),
        ("smtp://mail_relay:25", ("mail_relay", 25, None, None, False)),  # a container service name
        ("smtp://mäil.example", ("mäil.example", 587, None, None, False)),
        ("  ", None),  # empty is unset: no e-mail
    ],
)
def test_well_formed_smtp_urls_are_accepted(url: str, expected: tuple[object, ...] | None) -> None:
    settings = _settings(smtp_url=url)
    if expected is None:
        assert settings.smtp_url is None
        return
    o = smtp_options(settings)
    assert (o["hostname"], o["port"], o["username"], o["password"], o["use_tls"]) == expected


@pytest.mark.parametrize(
    "sender",
    ["interviews", "Shadows <interviews>", "Shadows <@example.com>", "Shadows <i@x>\r\nBcc: all@example.com"],
)
def test_a_malformed_sender_is_refused_at_settings_load(sender: str) -> None:
    with pytest.raises(ValidationError, match="SHADOWS_API_SMTP_FROM"):
        _settings(smtp_from=sender)


@pytest.mark.parametrize(
    "sender", ["Shadows <interviews@localhost>", "interviews@shadows.example", "Ça <a@b.fr>"]
)
def test_well_formed_senders_are_accepted(sender: str) -> None:
    assert _settings(smtp_from=sender).smtp_from == sender


def test_the_worker_refuses_to_start_with_a_malformed_smtp_url(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHADOWS_", "DATABASE_", "PG"))}
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none"  # never a real database, whatever happens
    env["SHADOWS_API_SMTP_URL"] = f"smtp://mailer:{PASSWORD}@mail.example:99999"
    done = subprocess.run(
        [str(Path(sys.executable).parent / "shadows"), "worker"],
        cwd=tmp_path,  # no .env
        env={**env, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "SHADOWS_API_SMTP_URL" in done.stderr + done.stdout
    assert PASSWORD not in done.stderr + done.stdout
