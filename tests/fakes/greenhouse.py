"""A stand-in for Greenhouse on loopback, speaking its Assessment Partner contract as documented
(grnhse/greenhouse-api-docs, source/includes/assessment/): it calls the partner's list_tests, send_test and
test_status with HTTP Basic (the partner's key as username, blank password), and hosts the completion URL the
partner PATCHes. On a PATCH it does what Greenhouse does: it reads test_status, checks the answer against the
documented rules, and reports a malformed answer to response_error.

Its own errors are Greenhouse's: 401 for a bad key, 404 for an unknown test.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from tests.fakes.loopback import serve

CALLBACK_PATH = "/integrations/testing_partners/take_home_tests/{id}"
PRIMITIVES = (str, int, float, bool, type(None))


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def status_answer_errors(body: Any) -> list[str]:
    """What Greenhouse would reject in a test_status answer (its documented rules)."""
    if not isinstance(body, dict):
        return ["the response is not a JSON object"]
    errors = []
    status = body.get("partner_status")
    if not isinstance(status, str) or not status:
        errors.append("partner_status is missing or not a string")
    if status == "complete" and not isinstance(body.get("partner_profile_url"), str):
        errors.append("partner_status is 'complete' but partner_profile_url is missing")
    score = body.get("partner_score")
    if score is not None and (isinstance(score, bool) or not isinstance(score, int | float)):
        errors.append("partner_score is not a number")
    metadata = body.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            errors.append("metadata is not an object")
        else:
            errors += [
                f"metadata.{k} is not a primitive"
                for k, v in metadata.items()
                if not isinstance(v, PRIMITIVES)
            ]
    for k in ("partner_status", "partner_profile_url", "partner_score", "metadata"):
        if k not in body:
            errors.append(f"{k} is missing (null rather than missing)")
    return errors


@dataclass
class Patch:
    interview: str
    authorized: bool
    body: bytes
    status_read: dict[str, Any] | None  # what test_status answered right after
    errors: list[str]


@dataclass
class FakeGreenhouse:
    partner_url: str  # e.g. http://127.0.0.1:8000/integrations/greenhouse
    key: str  # what the customer's Account Manager entered
    url: str = ""
    fail_patches: int = 0  # answer the first N PATCHes with 500
    patches: list[Patch] = field(default_factory=list)
    interviews: dict[str, str] = field(default_factory=dict)  # our test id -> partner_interview_id
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(12345))

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.partner_url, timeout=30, headers={"Authorization": basic(self.key)}
        )

    def callback_url(self, test_instance: int) -> str:
        return self.url + CALLBACK_PATH.format(id=test_instance)

    async def list_tests(self) -> httpx.Response:
        async with self.client() as c:
            return await c.get("/list_tests")

    async def send_test(
        self, partner_test_id: str, candidate: dict[str, Any], instance: int | None = None
    ) -> httpx.Response:
        instance = instance if instance is not None else next(self._ids)
        body = {
            "partner_test_id": partner_test_id,
            "candidate": {
                "first_name": None,
                "last_name": None,
                "preferred_name": None,
                "resume_url": None,
                "phone_number": None,
                "email": None,
                "greenhouse_profile_url": None,
                **candidate,
            },
            "sent_by": "recruiter@acme.example",
            "url": self.callback_url(instance),
        }
        async with self.client() as c:
            r = await c.post("/send_test", json=body)
        if r.status_code == 200:
            self.interviews[str(instance)] = r.json()["partner_interview_id"]
        return r

    async def test_status(self, partner_interview_id: str) -> httpx.Response:
        async with self.client() as c:
            return await c.get("/test_status", params={"partner_interview_id": partner_interview_id})

    async def handle_patch(self, request: web.Request) -> web.Response:
        body = await request.read()
        instance = request.match_info["id"]
        authorized = request.headers.get("Authorization") == basic(self.key)
        if not authorized:
            self.patches.append(Patch(instance, False, body, None, []))
            return web.Response(status=401)
        if instance not in self.interviews:
            self.patches.append(Patch(instance, True, body, None, []))
            return web.Response(status=404)
        if self.fail_patches > 0:
            self.fail_patches -= 1
            self.patches.append(Patch(instance, True, body, None, []))
            return web.Response(status=500)
        r = await self.test_status(self.interviews[instance])
        answer = r.json() if r.status_code == 200 else None
        errors = (
            status_answer_errors(answer)
            if r.status_code == 200
            else [f"test_status answered {r.status_code}"]
        )
        if errors:
            async with self.client() as c:
                await c.post(
                    "/response_error",
                    json={
                        "api_call": "test_status",
                        "errors": errors,
                        "partner_test_id": None,
                        "partner_test_name": None,
                        "partner_interview_id": self.interviews[instance],
                        "candidate_email": None,
                    },
                )
        self.patches.append(Patch(instance, True, body, answer, errors))
        return web.Response(status=200)


@asynccontextmanager
async def fake_greenhouse(partner_url: str, key: str) -> AsyncIterator[FakeGreenhouse]:
    gh = FakeGreenhouse(partner_url=partner_url, key=key)
    app = web.Application()
    app.router.add_route("PATCH", CALLBACK_PATH.replace("{id}", "{id}"), gh.handle_patch)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    gh.url = f"http://127.0.0.1:{port}"
    try:
        yield gh
    finally:
        await runner.cleanup()
