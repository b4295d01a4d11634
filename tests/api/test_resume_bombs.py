"""Résumé PDFs are parsed in a bounded child process: hostile files (time, nesting, page-tree and decompression
bombs), encrypted, damaged, text-less and long ones are a 422 `invalid_resume` with a readable message, each bounded
by the child's CPU limit, and the API keeps answering while one is being parsed."""

from __future__ import annotations

import asyncio
import json
import resource
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx
import psycopg
import pytest
from psycopg.rows import DictRow

from api.pdf_text import ResumeParser
from api.settings import ApiSettings
from tests.api import pdf_bombs
from tests.api.conftest import serve
from tests.conftest import ApiServer

Conn = psycopg.AsyncConnection[DictRow]
CPU_S = 1
WALL_S = 30.0
PAYLOAD = json.dumps({"candidate": {"name": "Ada", "email": "ada@example.com"}})


@pytest.fixture
async def client(api_server: ApiServer) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(_bounded(api_server, CPU_S)) as c:
        yield c


@dataclass
class ParserProbe:
    """What the résumé parsers of the servers under test are doing: uploads that reached the parser (waiting or
    parsing), children parsing now and at most at once; with `gate` set, each parse waits for it first (a parser
    slot held for as long as the test wants)."""

    entered: int = 0
    parsing: int = 0
    most: int = 0
    gate: asyncio.Event | None = None
    parsed: list[bytes] = field(default_factory=list)  # what each parse was given, in the order they began


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> ParserProbe:
    probe = ParserProbe()
    text, parse = ResumeParser.text, ResumeParser._parse

    async def counted_text(self: ResumeParser, data: bytes, *, tenant: str) -> str:
        probe.entered += 1  # and queued for its slot in the same step, before anything else runs
        return await text(self, data, tenant=tenant)

    async def counted_parse(self: ResumeParser, data: bytes) -> dict[str, str]:
        probe.parsing += 1
        probe.parsed.append(data)
        probe.most = max(probe.most, probe.parsing)
        try:
            if probe.gate is not None:
                await probe.gate.wait()
            return await parse(self, data)
        finally:
            probe.parsing -= 1

    monkeypatch.setattr(ResumeParser, "text", counted_text)
    monkeypatch.setattr(ResumeParser, "_parse", counted_parse)
    return probe


async def _until(condition: Callable[[], bool], what: str) -> None:
    """Wait (a generous bound: a loaded machine is slow) until `condition()` holds: a barrier, not a pause."""
    try:
        async with asyncio.timeout(60):
            while not condition():  # noqa: ASYNC110  # the parser signals nothing: poll the probe
                await asyncio.sleep(0.01)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def _bounded(api_server: ApiServer, cpu_s: int) -> ApiSettings:
    """The server's settings with the parser's bounds under test: `cpu_s` CPU-seconds, WALL_S, 5 pages."""
    return api_server.settings.model_copy(
        update={"resume_cpu_s": cpu_s, "resume_timeout_s": WALL_S, "resume_max_pages": 5}
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _upload(client: httpx.AsyncClient, server: ApiServer, pdf: bytes) -> httpx.Response:
    return await client.post(
        "/v1/sessions",
        data={"payload": PAYLOAD},
        files={"resume": ("resume.pdf", pdf, "application/pdf")},
        headers=server.org_headers(),
    )


# The bomb that only the CPU limit stops runs under CPU_S; every other refusal must come from the parser's own bound
# (pypdf's cap on decompressed bytes, its recursion and page-tree checks, the page count) and runs under the
# production limit, so that a slow or loaded machine cannot turn it into a CPU refusal: pypdf spends about 1.1
# CPU-seconds decompressing up to its cap on a 2.4 GHz EPYC.
CPU_BOUND = {"operators"}
PRODUCTION_CPU_S = ApiSettings.model_fields["resume_cpu_s"].default

BOMBS = {
    "operators": (lambda: pdf_bombs.operator_bomb(pages=4), "too complex"),
    "operators_many_pages": (pdf_bombs.operator_bomb, "more than 5 pages"),
    "nesting": (pdf_bombs.nesting_bomb, "could not be read"),
    "page_tree": (pdf_bombs.page_tree_bomb, "could not be read"),
    "page_tree_loop": (pdf_bombs.page_tree_loop, "could not be read"),
    "decompression": (pdf_bombs.decompression_bomb, "could not be read"),
    "encrypted": (pdf_bombs.encrypted_pdf, "password-protected"),
    "too_many_pages": (lambda: pdf_bombs.text_pdf([f"Page {i}" for i in range(6)]), "more than 5 pages"),
    "no_text": (pdf_bombs.image_only_pdf, "No text"),
    "garbage": (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 64, "could not be read"),
    "truncated": (lambda: pdf_bombs.text_pdf(["Engineer"])[:200], "could not be read"),
}


@pytest.mark.parametrize("kind", list(BOMBS))
async def test_hostile_or_broken_resume_is_422_within_the_parsers_bounds(
    api_server: ApiServer, db: Conn, kind: str
) -> None:
    build, says = BOMBS[kind]
    pdf = build()
    cpu_s = CPU_S if kind in CPU_BOUND else PRODUCTION_CPU_S
    async with serve(_bounded(api_server, cpu_s)) as client:
        cpu_before = _children_cpu()
        started = time.monotonic()
        r = await _upload(client, api_server, pdf)
        elapsed = time.monotonic() - started
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_resume"
    assert says in r.json()["error"]["message"]
    assert "Traceback" not in r.text and "pypdf" not in r.text
    # The parser child is killed at its limit + 1 CPU-seconds at the latest (RLIMIT_CPU hard limit).
    assert _children_cpu() - cpu_before <= cpu_s + 1.5
    assert elapsed < WALL_S + 15  # generous: the bound that matters is the CPU one above
    cur = await db.execute("select count(*) as n from sessions")
    assert (await cur.fetchone())["n"] == 0  # type: ignore[index]  # count(*) returns a row


async def test_a_readable_resume_inside_the_bounds_is_stored(
    api_server: ApiServer, client: httpx.AsyncClient, db: Conn
) -> None:
    pdf = pdf_bombs.text_pdf(["Grace Hopper, compiler engineer", "COBOL, FLOW-MATIC"])
    r = await _upload(client, api_server, pdf)
    assert r.status_code == 201, r.text
    cur = await db.execute("select resume_text from sessions where id = %s", (r.json()["id"],))
    text = (await cur.fetchone())["resume_text"]  # type: ignore[index]  # the session exists
    assert "compiler engineer" in text and "FLOW-MATIC" in text


async def test_the_api_keeps_answering_while_a_bomb_is_parsed(
    api_server: ApiServer, probe: ParserProbe
) -> None:
    settings = api_server.settings.model_copy(update={"resume_cpu_s": 4, "resume_timeout_s": WALL_S})
    async with serve(settings) as client:
        finished: list[str] = []

        async def bomb() -> httpx.Response:
            r = await _upload(client, api_server, pdf_bombs.operator_bomb())
            finished.append("bomb")
            return r

        async def small(name: str, request: object) -> int:
            async with asyncio.timeout(20):
                r: httpx.Response = await request  # type: ignore[misc]  # an httpx coroutine
            finished.append(name)
            return r.status_code

        bomb_task = asyncio.create_task(bomb())
        await _until(lambda: probe.parsing == 1, "the bomb's parse under way")
        statuses = []
        for i in range(5):
            statuses.append(await small(f"healthz{i}", client.get("/healthz")))
            statuses.append(await small(f"readyz{i}", client.get("/readyz")))
        statuses.append(
            await small(
                "create",
                client.post(
                    "/v1/sessions",
                    json={"candidate": {"name": "Ada", "email": "ada@example.com"}},
                    headers=api_server.org_headers(),
                ),
            )
        )
        r = await bomb_task

    assert statuses == [200] * 10 + [201]
    assert r.status_code == 422
    assert finished[-1] == "bomb", finished  # everything else was answered while the bomb was being parsed


async def test_parsers_are_bounded_in_number_and_a_queue_that_waits_too_long_is_503(
    api_server: ApiServer, probe: ParserProbe
) -> None:
    # The one parser is held (gated) while an upload waits past resume_timeout_s: a 503 to retry. Then one upload
    # queued behind the holder gets the parser next, once it is free, and never two parse at once. (Timed with
    # pauses, the holder was a bomb parsing for the whole 2 s the next upload may wait, and a loaded box answered
    # that one 503 too.)
    settings = api_server.settings.model_copy(
        update={"resume_cpu_s": 30, "resume_timeout_s": 2.0, "resume_parsers": 1}
    )
    probe.gate = asyncio.Event()
    async with serve(settings) as client:
        first = asyncio.create_task(_upload(client, api_server, pdf_bombs.text_pdf(["Engineer"])))
        await _until(lambda: probe.parsing == 1, "the first upload holding the parser")
        late = await _upload(client, api_server, pdf_bombs.text_pdf(["Engineer"]))  # waits 2 s: too long
        assert (probe.parsing, first.done()) == (1, False)  # the parser was held all along
        second = asyncio.create_task(_upload(client, api_server, pdf_bombs.operator_bomb(pages=4)))
        await _until(lambda: probe.entered == 3, "the second upload queued for the parser")
        probe.gate.set()
        done = [await first, await second]
    assert (late.status_code, late.json()["error"]["code"]) == (503, "resume_parser_busy")
    assert int(late.headers["retry-after"]) >= 1
    assert [r.status_code for r in done] == [201, 422], [r.text for r in done]
    assert "too complex" in done[1].json()["error"]["message"]
    assert probe.most == 1


async def test_one_organisations_burst_of_resumes_never_makes_anothers_wait_past_one_parse(
    api_server: ApiServer, probe: ParserProbe
) -> None:
    # One parser slot, taken in arrival order: eight slow résumés from one organisation queued ahead of another
    # organisation's upload, which waited for all of them and was refused (503) after its wait. An organisation's
    # uploads now hold at most SHADOWS_API_RESUME_PARSERS_PER_TENANT parsers; its others wait behind its own.
    settings = api_server.settings.model_copy(
        update={
            "resume_cpu_s": 1,
            # Long enough for what must get a parser (the other organisation's upload waits out one parse of a CPU
            # second, and the burst's first the same): 6 s of waiting ran out on a loaded box.
            "resume_timeout_s": 20.0,
            "resume_parsers": 1,
            "resume_parsers_per_tenant": 1,
        }
    )
    _, other_key = await api_server.create_org("Other Org")
    bomb = pdf_bombs.operator_bomb(pages=4)  # about one CPU-second each, then refused as too complex
    resume = pdf_bombs.text_pdf(["Engineer"])
    async with serve(settings) as client:
        first = asyncio.create_task(_upload(client, api_server, bomb))
        await _until(lambda: probe.parsing == 1, "the first upload parsing")
        burst = [asyncio.create_task(_upload(client, api_server, bomb)) for _ in range(7)]
        await _until(lambda: probe.entered == 8, "the burst queued behind it")
        other = await client.post(
            "/v1/sessions",
            data={"payload": PAYLOAD},
            files={"resume": ("resume.pdf", resume, "application/pdf")},
            headers=api_server.org_headers(other_key),
        )
        burst_answers = [await t for t in burst]
        held = await first
    assert other.status_code == 201, other.text
    # It went before every upload of the burst: one parse to wait, no more. (Read from the order the parses began:
    # an upload of the burst that gave up waiting was answered before it on a loaded box, having parsed nothing.)
    assert [d == resume for d in probe.parsed[:2]] == [False, True]
    assert held.status_code == 422
    # The burst queued behind its own organisation: each parsed in turn (refused as too complex) until the wait ran
    # out, then a retryable 503; nothing else.
    codes = [(r.status_code, r.json()["error"]["code"]) for r in burst_answers]
    assert set(codes) <= {(422, "invalid_resume"), (503, "resume_parser_busy")}, codes
    assert (422, "invalid_resume") in codes
