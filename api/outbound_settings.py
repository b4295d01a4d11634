"""Outgoing webhooks, ATS calls and invite e-mails: their schedule, bounds and addresses, and the sealing keys."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, SecretStr, field_validator

from api.integrations.smtp_url import check_sender, parse_smtp_url

# A valid Fernet key for local development and tests only; refused elsewhere (`ApiSettings._no_placeholder_secrets`).
DEV_SEALING_KEY = "ZGV2LXNlYWxpbmcta2V5LWNoYW5nZS1tZS0wMDAwMDA="
WEBHOOK_JITTER = 0.1  # each retry delay is multiplied by a random factor in [1 - J, 1 + J]
# A domain name of two labels or more, each of letters, digits and inner hyphens (IDNA names in their xn-- form).
CALLBACK_DOMAIN = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+")


class OutboundSettings(BaseModel):
    """Part of `ApiSettings` (read as SHADOWS_API_<FIELD>; docs/integrations.md). Their checks against the
    environment (the retry schedule's span, the ATS addresses under the egress guard) are `ApiSettings`' own."""

    # Waits before the 2nd, 3rd, ... delivery attempt (comma-separated seconds, each jittered by +-10%); after the
    # last one the delivery fails. Outside local/test the schedule must span at least 24 hours even at -10%.
    webhook_retry_delays_s: str = "5,300,1800,7200,18000,36000,50400,72000,86400"
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=30)  # one whole request, connect to last byte
    webhook_max_response_bytes: int = Field(default=65_536, ge=1_024, le=1_048_576)  # read at most this much
    # Requests in flight at once, across every worker, to one webhook endpoint, to one organisation's ATS (its
    # Greenhouse or its Ashby integration), and to all of one organisation's receivers together (webhooks and ATS
    # calls). A call that finds a cap full waits for a slot without counting an attempt. Keep the organisation's cap
    # below SHADOWS_WORKER_DELIVERY_CONCURRENCY (a worker refuses to start otherwise): slow receivers of one
    # organisation then never hold all of a worker's delivery slots.
    webhook_max_concurrency_per_endpoint: int = Field(default=2, ge=1, le=64)
    ats_max_concurrency_per_integration: int = Field(default=2, ge=1, le=64)
    outbound_max_concurrency_per_organization: int = Field(default=4, ge=1, le=64)
    webhook_max_endpoints: int = Field(default=20, ge=1, le=1000)  # per organisation
    # Fernet keys (comma-separated, newest first) that seal secrets we must read back: webhook signing secrets,
    # ATS keys, candidates' join links. Add a new key in front to rotate; keep old ones until re-sealed.
    sealing_keys: SecretStr = SecretStr(DEV_SEALING_KEY)
    # Invite e-mails for ATS-created sessions: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://...
    # (TLS from the start). Unset: no e-mail; the ATS shows the join link instead.
    smtp_url: SecretStr | None = None
    smtp_from: str = "Shadows <interviews@localhost>"
    smtp_timeout_s: float = Field(default=30.0, gt=0, le=300)
    # Where assessment.update goes (Ashby's public API); the tests point it at a local fake.
    ashby_base_url: str = "https://api.ashbyhq.com"
    # Outside local/test, Greenhouse's completion PATCH (which carries the organisation's key) only goes to hosts
    # under these domains (comma-separated).
    greenhouse_callback_domains: str = "greenhouse.io"

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, v: object) -> object:
        """`SHADOWS_API_SMTP_URL=` (as in .env.example) means no e-mail, not an empty server address."""
        text = v.get_secret_value() if isinstance(v, SecretStr) else v
        if text is None or (isinstance(text, str) and not text.strip()):
            return None
        return v

    @field_validator("smtp_url")
    @classmethod
    def _smtp_server(cls, v: SecretStr | None) -> SecretStr | None:
        """Refused at start-up, by the rule an invite's send applies (api/integrations/smtp_url.py): before, a URL
        no mail server is reached with was noticed at the first invite. The error never quotes the URL."""
        if v is not None:
            parse_smtp_url(v.get_secret_value())
        return v

    @field_validator("smtp_from")
    @classmethod
    def _smtp_sender(cls, v: str) -> str:
        return check_sender(v)

    @property
    def webhook_retry_delays(self) -> tuple[float, ...]:
        return tuple(float(x) for x in self.webhook_retry_delays_s.split(",") if x.strip())

    @property
    def sealing_key_list(self) -> list[str]:
        return [k.strip() for k in self.sealing_keys.get_secret_value().split(",") if k.strip()]

    @property
    def greenhouse_callback_domain_list(self) -> list[str]:
        return [
            d.strip().lower().strip(".") for d in self.greenhouse_callback_domains.split(",") if d.strip()
        ]
