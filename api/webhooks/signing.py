"""Standard Webhooks signing: secrets in the `whsec_` format, and the three headers of one attempt.

Signed with the `standardwebhooks` library (the reference implementation receivers verify with). During a secret
rotation's overlap both the new and the previous secret sign, space-separated in `webhook-signature`, so a receiver
that still has the previous secret keeps verifying.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105  # the format's prefix, not a secret
SECRET_BYTES = 32  # the spec allows 24 to 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def signature_headers(
    message_id: str, body: str, signing_secrets: Sequence[str], at: datetime
) -> dict[str, str]:
    """`webhook-id`, `webhook-timestamp` (this attempt, in seconds) and `webhook-signature` for `body`, which must
    be sent byte for byte as signed."""
    if not signing_secrets:
        raise ValueError("at least one secret signs a webhook")
    signatures = [
        Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body) for secret in signing_secrets
    ]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
