"""A stand-in for Ashby on loopback, speaking its assessment partner contract as documented (developers.ashbyhq.com:
"Creating an Assessments Integration" and the assessment.* reference): it calls the partner's assessment.list,
assessment.start and assessment.cancel with HTTP Basic (the partner's key as username, blank password), and hosts
`POST /assessment.update`, authenticated with the customer's Ashby API key, validating each update as Ashby's
reference describes it. Ashby's API answers 200 with `{"success": true, "results": ...}`, or 200 with
`{"success": false, "errorInfo": {code, message, requestId}}` for a request it refuses; a bad key is a 401.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

from tests.fakes.loopback import serve

FIELD_TYPES = {"numeric_score", "numeric_duration_minutes", "url", "string", "boolean_success"}


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def _field_errors(name: str, value: Any) -> list[str]:
    if not isinstance(value, dict):
        return [f"{name} is not an object"]
    errors = [f"{name}.{k} is missing" for k in ("identifier", "label", "type", "value") if k not in value]
    kind, v = value.get("type"), value.get("value")
    if kind not in FIELD_TYPES:
        errors.append(f"{name}.type {kind!r} is not one of {sorted(FIELD_TYPES)}")
    elif kind in ("numeric_score", "numeric_duration_minutes") and (
        isinstance(v, bool) or not isinstance(v, int | float)
    ):
        errors.append(f"{name}.value is not a number")
    elif kind == "boolean_success" and not isinstance(v, bool):
        errors.append(f"{name}.value is not a boolean")
    elif kind == "url" and not (isinstance(v, str) and v.startswith(("http://", "https://"))):
        errors.append(f"{name}.value is not a URL")
    elif kind == "string" and not isinstance(v, str):
        errors.append(f"{name}.value is not a string")
    return errors


def update_errors(body: Any) -> list[str]:
    """What Ashby's assessment.update refuses (its documented rules)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    errors = []
    if not isinstance(body.get("assessment_id"), str):
        errors.append("assessment_id is required")
    ts = body.get("timestamp")
    if isinstance(ts, bool) or not isinstance(ts, int) or ts < 10**12:
        errors.append("timestamp is required, in milliseconds since the epoch")
    if body.get("assessment_status") is None and body.get("cancelled_reason") is None:
        errors.append("assessment_status is required unless cancelled_reason is set")
    if body.get("assessment_result") is not None and body.get("assessment_profile_url") is None:
        errors.append("assessment_profile_url is required with assessment_result")
    fields = []
    for name in ("assessment_status", "assessment_profile_url", "assessment_result", "cancelled_reason"):
        if body.get(name) is not None:
            errors += _field_errors(name, body[name])
            fields.append(body[name])
    profile = body.get("assessment_profile_url")
    if isinstance(profile, dict) and profile.get("type") != "url":
        errors.append("assessment_profile_url must be of type url")
    metadata = body.get("metadata", [])
    if not isinstance(metadata, list):
        errors.append("metadata is not an array")
        metadata = []
    for i, item in enumerate(metadata):
        errors += _field_errors(f"metadata[{i}]", item)
        fields.append(item)
    identifiers = [f.get("identifier") for f in fields if isinstance(f, dict)]
    if len(identifiers) != len(set(identifiers)):
        errors.append("identifiers are not unique")
    return errors


@dataclass
class Update:
    authorized: bool
    body: dict[str, Any] | None
    errors: list[str]
    answered: int


@dataclass
class FakeAshby:
    partner_url: str = ""  # e.g. http://127.0.0.1:8000/integrations/ashby
    partner_key: str = ""  # our key, as Ashby stores it for the customer
    customer_api_key: str = ""  # the customer's Ashby API key, which the partner must present
    url: str = ""
    fail_updates: int = 0  # answer the first N updates with 503
    refuse: bool = False  # answer success: false
    refusal_message: str | None = None  # errorInfo.message of a refusal, in place of the errors found
    garble_updates: int = 0  # answer the next N updates 200 with JSON nested past the recursion limit
    # Compress every answer to an update with this Content-Encoding (`gzip` or `deflate`), though we ask for
    # `identity`: an Ashby (or a proxy in front of it) that ignores Accept-Encoding.
    compress: str | None = None
    # Answer the next N updates 200 with `bomb_bytes` of JSON gzipped to a few KiB (a decompression bomb).
    bomb_updates: int = 0
    bomb_bytes: int = 64 * 1024 * 1024
    # Answer every update presented with this Ashby API key 429 with `Retry-After: limited_retry_after`: Ashby
    # limits per key, and this one's budget is spent.
    limited_key: str = ""
    limited_retry_after: str = "86400"
    # Hold every update until this is set (an Ashby that hangs), or `hang_s` at most, then answer 503.
    hang_until: asyncio.Event | None = None
    hang_s: float = 60.0
    # Set as each update arrives, before it is held or answered: a test orders what happens while it is in flight.
    arrived: asyncio.Event | None = None
    in_flight: int = 0
    max_in_flight: int = 0
    updates: list[Update] = field(default_factory=list)
    started: set[str] = field(default_factory=set)

    def accepted(self) -> list[dict[str, Any]]:
        return [u.body for u in self.updates if u.body is not None and u.answered == 200 and not u.errors]

    def shown(self, assessment_id: str, *, merged: bool) -> dict[str, dict[str, Any]]:
        """The metadata Ashby shows for an assessment after the updates it accepted, by identifier. Ashby does not
        document whether an update's `metadata` replaces what it holds (`merged=False`) or merges into it by
        identifier (`merged=True`); a partner's updates must read the same either way."""
        shown: dict[str, dict[str, Any]] = {}
        for body in self.accepted():
            if body["assessment_id"] != assessment_id:
                continue
            latest = {m["identifier"]: m for m in body.get("metadata", [])}
            shown = {**shown, **latest} if merged else latest
        return shown

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.partner_url, timeout=30, headers={"Authorization": basic(self.partner_key)}
        )

    async def list(self) -> httpx.Response:
        async with self.client() as c:
            return await c.post("/assessment.list", json={})

    async def start(self, assessment_type_id: str, candidate: dict[str, Any], **extra: Any) -> httpx.Response:
        body = {
            "assessment_type_id": assessment_type_id,
            "candidate": {"ashby_profile_url": "https://app.ashbyhq.com/candidates/c-1", **candidate},
            "application": {"ashby_id": "app-1", "status": "Active"},
            "job": {
                "ashby_id": "job-9",
                "name": "Backend Engineer",
                "req_id": "REQ-77",
                "ashby_job_url": "https://app.ashbyhq.com/jobs/job-9",
                "hiringTeam": [],
            },
            **extra,
        }
        async with self.client() as c:
            r = await c.post("/assessment.start", json=body)
        if r.status_code == 200 and r.json().get("success"):
            self.started.add(r.json()["results"]["assessment_id"])
        return r

    async def cancel(self, assessment_id: str) -> httpx.Response:
        async with self.client() as c:
            return await c.post("/assessment.cancel", json={"assessment_id": assessment_id})

    async def handle_update(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.arrived is not None:
            self.arrived.set()
        try:
            if self.hang_until is not None:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.hang_s):
                        await self.hang_until.wait()
                if not self.hang_until.is_set():
                    self.updates.append(Update(True, None, ["hung"], 503))
                    return web.Response(status=503)
            return self._compressed(await self._update(request))
        finally:
            self.in_flight -= 1

    def _compressed(self, response: web.Response) -> web.Response:
        if self.compress is None or not isinstance(response.body, bytes):
            return response
        wbits = zlib.MAX_WBITS | 16 if self.compress == "gzip" else zlib.MAX_WBITS
        packer = zlib.compressobj(wbits=wbits)
        response.body = packer.compress(response.body) + packer.flush()
        response.headers["Content-Encoding"] = self.compress
        return response

    def _bomb(self) -> web.Response:
        # `{"results": {"pad": "000..."}, "success": true}`: what matters sits past megabytes of zeros.
        packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        parts = [packer.compress(b'{"results": {"pad": "')]
        block = b"0" * (1024 * 1024)
        for _ in range(self.bomb_bytes // len(block)):
            parts.append(packer.compress(block))
        parts += [packer.compress(b'"}, "success": true}'), packer.flush()]
        response = web.Response(body=b"".join(parts), content_type="application/json")
        response.headers["Content-Encoding"] = "gzip"
        return response

    async def _update(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if self.limited_key and request.headers.get("Authorization") == basic(self.limited_key):
            self.updates.append(Update(False, None, [], 429))
            return web.json_response(
                {"success": False, "errorInfo": {"code": "rate_limited", "message": "Too many requests"}},
                status=429,
                headers={"Retry-After": self.limited_retry_after},
            )
        if request.headers.get("Authorization") != basic(self.customer_api_key):
            self.updates.append(Update(False, None, [], 401))
            return web.json_response(
                {"success": False, "errorInfo": {"code": "invalid_api_key", "message": "Unauthorized"}},
                status=401,
            )
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        errors = update_errors(body)
        if self.fail_updates > 0:
            self.fail_updates -= 1
            self.updates.append(Update(True, body, errors, 503))
            return web.Response(status=503)
        if self.bomb_updates > 0:
            self.bomb_updates -= 1
            self.updates.append(Update(True, body, ["bomb"], 200))
            return self._bomb()
        if self.garble_updates > 0:
            self.garble_updates -= 1
            self.updates.append(Update(True, body, ["garbled answer"], 200))
            return web.Response(body=b"[" * 20_000 + b"]" * 20_000, content_type="application/json")
        if not errors and body["assessment_id"] not in self.started:
            errors = ["assessment_not_found"]
        if errors or self.refuse:
            self.updates.append(Update(True, body, errors or ["refused"], 200))
            return web.json_response(
                {
                    "success": False,
                    "errorInfo": {
                        "code": "invalid_input",
                        "message": self.refusal_message or "; ".join(errors or ["refused"]),
                        "requestId": "01JSJ8FEK5ZN4XQBZP7DBKK7ZC",
                    },
                }
            )
        self.updates.append(Update(True, body, [], 200))
        return web.json_response({"success": True, "results": {"assessment_id": body["assessment_id"]}})


@asynccontextmanager
async def fake_ashby() -> AsyncIterator[FakeAshby]:
    """Ashby's API on loopback; set `partner_url`, `partner_key` and `customer_api_key` once they exist."""
    ashby = FakeAshby()
    app = web.Application()
    app.router.add_post("/assessment.update", ashby.handle_update)
    runner, port = await serve(app, access_log=None, shutdown_timeout=1)
    ashby.url = f"http://127.0.0.1:{port}"
    try:
        yield ashby
    finally:
        await runner.cleanup()
