"""The flooding client of test_flood.py, run as its own process (an attacker is not in the server's event loop).

Usage: python flood_client.py BASE_URL PARALLEL SESSION_ID:INVITE [SESSION_ID:INVITE ...]
Runs PARALLEL loops per invite, each posting runs of a sleeping solution back to back. Prints "ready" once every
invite has had PARALLEL answers, then, when stdin closes, a JSON line of outcomes per session:
{"ses_...": {"200 ok": n, "429 run_in_progress": n, ...}, "transport_errors": [...]}.
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys

import httpx

SLEEPER = "import time\ndef two_sum(nums, target):\n    time.sleep(30)\n"


async def main(base: str, parallel: int, targets: list[tuple[str, str]]) -> None:
    stop = asyncio.Event()
    ready = asyncio.Event()
    outcomes: dict[str, collections.Counter[str]] = {sid: collections.Counter() for sid, _ in targets}
    transport_errors: list[str] = []
    limits = httpx.Limits(max_connections=parallel * len(targets) + 10, max_keepalive_connections=None)

    async def flood(client: httpx.AsyncClient, sid: str, invite: str) -> None:
        headers = {"Authorization": f"Bearer {invite}"}
        while not stop.is_set():
            try:
                r = await client.post(
                    f"/v1/sessions/{sid}/runs", json={"language": "python", "code": SLEEPER}, headers=headers
                )
            except httpx.TransportError as e:
                transport_errors.append(type(e).__name__)
                continue
            code = "ok" if r.status_code == 200 else r.json().get("error", {}).get("code", "?")
            outcomes[sid][f"{r.status_code} {code}"] += 1
            if all(sum(c.values()) >= parallel for c in outcomes.values()):
                ready.set()

    async def wait_for_stdin_close() -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.read)
        stop.set()

    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as client:
        tasks = [
            asyncio.create_task(flood(client, sid, inv)) for sid, inv in targets for _ in range(parallel)
        ]
        closer = asyncio.create_task(wait_for_stdin_close())
        await ready.wait()
        print("ready", flush=True)
        await closer
        await asyncio.gather(*tasks)
    print(json.dumps({**{sid: dict(c) for sid, c in outcomes.items()}, "transport_errors": transport_errors}))


if __name__ == "__main__":
    pairs = [tuple(arg.split(":", 1)) for arg in sys.argv[3:]]
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), pairs))  # type: ignore[arg-type]
