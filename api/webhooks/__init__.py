"""Outgoing webhooks (Standard Webhooks): signed, retried, ordered per session, written to an outbox in the
transaction of the change that causes them. Contract: docs/integrations.md.

- `events.py`: the event types;
- `signing.py`: `whsec_` secrets and the signature headers (the `standardwebhooks` library);
- `outbox.py`: scorecard outcomes into the outbox (session changes get there through SQL triggers);
- `delivery.py`: the `deliver_webhook` job (one attempt; SSRF guard and bounds in `api.egress`);
- `schedule.py`: the retry schedule (SHADOWS_API_WEBHOOK_RETRY_DELAYS_S), `RetryLater` and the wait for a free slot;
- `slots.py`: request slots per receiver and per organisation, shared with the calls back to an ATS;
- the routes are in `api/routers/webhook_endpoints.py`, the SQL in `api/db/webhooks_repo.py`.
"""
