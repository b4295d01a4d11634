"""What the worker logs about the requests it sends to URLs organisations and ATSs gave it: ids and outcomes, never
the URL. A receiver's URL is often its credential (a token in the query, a secret path: many ATS and automation
hooks are authenticated by nothing else), so it must not reach the logs, however the request goes."""

from __future__ import annotations

from pathlib import Path

from tests.api.grading_support import wait_until
from tests.api.integration_support import create_endpoint, delivery_worker
from tests.conftest import ApiServer, StartWorker
from tests.fakes.webhook_receiver import webhook_receiver

PATH_SECRET = "hk7Q2v9LmZx4"  # made-up secrets the URL carries
QUERY_SECRET = "tok_Wq8rN3pYc6Kd0sFj"


async def test_a_receivers_url_and_its_token_never_reach_the_workers_log(
    api_server: ApiServer, start_worker: StartWorker, tmp_path: Path
) -> None:
    async with webhook_receiver(path=f"/hooks/{PATH_SECRET}") as receiver:
        ep = await create_endpoint(api_server, f"{receiver.url}?token={QUERY_SECRET}", ["session.scheduled"])
        receiver.secrets = [ep["secret"]]
        worker = delivery_worker(start_worker, api_server, tmp_path)
        await api_server.create_session()

        async def attempted() -> bool:
            return receiver.deliveries != [] and worker.logged("webhook.attempt")

        await wait_until(attempted, what="the delivery sent and its attempt logged")
        worker.stop()

    assert [d.type for d in receiver.deliveries] == ["session.scheduled"]
    attempts = [e for e in worker.log_events() if e.get("event") == "webhook.attempt"]
    assert attempts and attempts[0]["endpoint_id"] == ep["id"] and attempts[0]["outcome"] == "delivered"
    text = worker.log_path.read_text(errors="replace")
    assert QUERY_SECRET not in text, "the URL's token reached the worker's log"
    assert PATH_SECRET not in text, "the URL's secret path reached the worker's log"
