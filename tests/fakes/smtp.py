"""A mail server on loopback (aiosmtpd's SMTP protocol in the test's event loop) that keeps what it receives."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from api.settings import ApiSettings


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


@dataclass
class SmtpSink:
    url: str = ""
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:  # aiosmtpd's hook name
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@asynccontextmanager
async def smtp_sink() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="localhost"), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    sink.url = f"smtp://127.0.0.1:{port}"
    try:
        yield sink
    finally:
        server.close()
        await server.wait_closed()


def with_mail_server(settings: ApiSettings, url: str, sender: str | None = None) -> ApiSettings:
    """`settings` with a mail server (a test's sink: the `smtp` fixture of tests/api/conftest.py), as deployed: the
    invite e-mails go. Without one every ATS assessment's invite is withheld (`email_not_configured`), and Ashby gets
    that update ahead of the calls a test is about; a test's workers share the API's mail server
    (tests/api/integration_support.py `shared_config`). `sender`: SHADOWS_API_SMTP_FROM."""
    update: dict[str, object] = {"smtp_url": SecretStr(url)}
    if sender is not None:
        update["smtp_from"] = sender
    return settings.model_copy(update=update)
