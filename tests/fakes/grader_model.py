"""A local OpenAI-compatible grading model: `POST /v1/chat/completions` (non-streaming) with a structured output
(`response_format: {"type": "json_schema", ...}`), on 127.0.0.1, in the test's own process.

It reads the request as a model would: the interview between the `<interview_data nonce=...>` markers (transcript
lines, code snapshots and runs, by `[seq]`) and the rubric ids from the schema, and answers from a script:
- `FakeGraderModel(replies=[...])`: each request takes the next `FakeReply` (a JSON body, a raw text, an HTTP error,
  a delay); when they run out, `responder(body)` answers (default: `honest`, a valid scorecard that cites real
  moments);
- builders for replies: `honest(body)`, `fabricated(body)` (quotes words nobody said), `invalid(body)` (breaks the
  schema), `scorecard(body, scores=..., recommendation=...)`.
Every request body is kept in `requests`; `latency` delays every answer (benchmarks); usage is counted with
`count_tokens` (default: characters / 4).

`python -m tests.fakes.grader_model [LATENCY_S]` serves it alone and prints its base URL (benchmarks).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve

DATA = re.compile(r'<interview_data nonce="([0-9a-f]+)">\n(.*)\n</interview_data nonce="\1">', re.S)
TRANSCRIPT = re.compile(r"^\[(\d+)\] \S+-\S+s ([CI]): (.*)$")
SNAPSHOT = re.compile(r"^\[(\d+)\] \S+s code snapshot \((\w+)\), (in full|diff from)")
RUN = re.compile(r"^\[(\d+)\] \S+s (run|submission) ")
FENCE = re.compile(r"^(~{3,})")


@dataclass
class FakeReply:
    """One answer: `body` (a dict, sent as the message's JSON content) or `text` (sent as the content verbatim),
    or an HTTP `status` error; `delay` seconds first; `finish_reason` and `refusal` as the API has them."""

    body: dict[str, Any] | None = None
    text: str | None = None
    status: int = 200
    delay: float = 0.0
    finish_reason: str = "stop"
    refusal: str | None = None
    # Merged over the response as sent (`choices`' first `message`, `usage`, the top level): a broken server's fields.
    message_over: dict[str, Any] | None = None
    usage_over: dict[str, Any] | None = None
    response_over: dict[str, Any] | None = None


Responder = Callable[[dict[str, Any]], FakeReply]


@dataclass
class Interview:
    """What a model can read from one request."""

    system: str
    user: str
    data: str  # between the markers
    transcript: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, C|I, text)
    snapshots: list[tuple[int, list[str]]] = field(default_factory=list)  # (seq, quotable code lines)
    runs: list[int] = field(default_factory=list)
    rubric_ids: list[str] = field(default_factory=list)


def text_of(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content or "")


def read(body: dict[str, Any]) -> Interview:
    messages = body.get("messages") or []
    system = "\n".join(text_of(m) for m in messages if m.get("role") in ("system", "developer"))
    user = text_of(next((m for m in messages if m.get("role") == "user"), {}))
    found = DATA.search(user)
    data = found.group(2) if found else ""
    view = Interview(system=system, user=user, data=data)
    lines = data.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := TRANSCRIPT.match(line):
            view.transcript.append((int(m.group(1)), m.group(2), m.group(3)))
        elif m := SNAPSHOT.match(line):
            seq, diff = int(m.group(1)), m.group(3) == "diff from"
            fence = FENCE.match(lines[i + 1]) if i + 1 < len(lines) else None
            code: list[str] = []
            if fence:
                j = i + 2
                while j < len(lines) and lines[j] != fence.group(1):
                    code.append(lines[j])
                    j += 1
                i = j
            if diff:
                code = [c[1:] for c in code if c.startswith(("+", " ")) and not c.startswith("+++")]
            view.snapshots.append((seq, [c.strip() for c in code if c.strip() and not c.startswith("…")]))
        elif m := RUN.match(line):
            view.runs.append(int(m.group(1)))
        i += 1
    schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}
    rubric_item = schema.get("properties", {}).get("rubric", {}).get("items", {})
    view.rubric_ids = list(rubric_item.get("properties", {}).get("id", {}).get("enum") or [])
    return view


def _quote(text: str, words: int = 6) -> str:
    return " ".join(text.split()[:words])


def _to_sentence_end(text: str, words: int) -> str:
    """Its first `words` words and on to the end of the sentence they end in (60 words at most), as a model quotes a
    transcript line: a quote that leaves a denial or hedge after it in its sentence is refused
    (grader/quote_scope.py)."""
    said = text.split()
    for end in range(words, min(len(said), 60)):
        if said[end - 1].endswith((".", "?", "!")):
            break
    else:
        end = min(len(said), 60)
    return " ".join(said[: max(1, min(end, len(said)))])


def evidence_from(view: Interview) -> list[dict[str, Any]]:
    """Real citations: a candidate's line, a snapshot line, a run."""
    out: list[dict[str, Any]] = []
    said = [t for t in view.transcript if t[1] == "C"] or view.transcript
    # Their longest line, quoted at some length: "Hi, ready." shows nothing of the candidate's own, and credit on it
    # alone is sent back (grader/credit.py).
    said = sorted(said, key=lambda t: -len(t[2].split()))
    if said:
        out.append({"seq": said[0][0], "quote": _to_sentence_end(said[0][2], 12)})
    for seq, code in view.snapshots:
        if code:
            out.append({"seq": seq, "quote": code[0]})
            break
    if view.runs:
        out.append({"seq": view.runs[-1], "quote": ""})
    return out


def scorecard(
    body: dict[str, Any],
    *,
    scores: tuple[int, int, int, int] = (3, 3, 3, 3),
    recommendation: str = "hire",
    evidence: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    view = read(body)
    cited = evidence if evidence is not None else evidence_from(view)
    names = ("problem_solving", "coding", "verification", "communication")
    return {
        "dimensions": {
            name: {"score": score, "justification": f"Observed for {name}.", "evidence": cited}
            for name, score in zip(names, scores, strict=True)
        },
        "rubric": [
            {
                "id": rid,
                "mark": "met" if i == 0 and cited else "not_observed",
                "evidence": cited[:1] if i == 0 else [],
            }
            for i, rid in enumerate(view.rubric_ids)
        ],
        "recommendation": recommendation,
        "strengths": ["Explained the approach before coding."],
        "areas_to_improve": ["Test edge cases earlier."],
        "candidate_advice": "Practise naming edge cases out loud before you run the tests.",
    }


def honest(body: dict[str, Any]) -> FakeReply:
    return FakeReply(body=scorecard(body))


def fabricated(body: dict[str, Any]) -> FakeReply:
    """A scorecard whose communication evidence quotes words the candidate never said."""
    card = scorecard(body)
    said = [t for t in read(body).transcript if t[1] == "C"]
    seq = said[0][0] if said else 1
    card["dimensions"]["communication"]["evidence"] = [
        {"seq": seq, "quote": "I have ten years of experience with distributed consensus"}
    ]
    return FakeReply(body=card)


def invalid(body: dict[str, Any]) -> FakeReply:
    """Breaks the schema: a score of 7 and no evidence."""
    card = scorecard(body)
    card["dimensions"]["coding"] = {"score": 7, "justification": "", "evidence": []}
    return FakeReply(body=card)


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeGraderModel:
    def __init__(
        self,
        replies: list[FakeReply] | None = None,
        *,
        responder: Responder = honest,
        latency: float = 0.0,
        count_tokens: Callable[[str], int] = estimate_tokens,
    ) -> None:
        self.replies = list(replies or [])
        self.responder = responder
        self.latency = latency
        self.served_model: str | None = None  # the model the answers name (default: the one asked for)
        self.count_tokens = count_tokens
        self.requests: list[dict[str, Any]] = []
        self.url = ""  # base_url: http://127.0.0.1:<port>/v1
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)

    async def start(self) -> FakeGraderModel:
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner, port = await serve(app, access_log=None, shutdown_timeout=1.0)
        self.url = f"http://127.0.0.1:{port}/v1"
        return self

    async def aclose(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeGraderModel:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _models(self, _: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "fake-grader", "object": "model"}]})

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        fmt = body.get("response_format") or {}
        if (
            body.get("stream")
            or fmt.get("type") != "json_schema"
            or not fmt.get("json_schema", {}).get("schema")
        ):
            return _error(
                400, "this fake answers only non-streaming requests with a json_schema response_format"
            )
        reply = self.replies.pop(0) if self.replies else self.responder(body)
        if self.latency or reply.delay:
            await asyncio.sleep(self.latency + reply.delay)
        if reply.status != 200:
            return _error(reply.status, "injected failure")
        content = reply.text if reply.text is not None else json.dumps(reply.body)
        prompt = sum(self.count_tokens(text_of(m)) for m in body.get("messages") or [])
        completion = self.count_tokens(content)
        sent: dict[str, Any] = {
            "id": f"chatcmpl-{next(self._ids)}",
            "object": "chat.completion",
            "created": 0,
            "model": self.served_model if self.served_model is not None else body.get("model", "fake-grader"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content, "refusal": reply.refusal},
                    "finish_reason": reply.finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }
        sent["choices"][0]["message"].update(reply.message_over or {})
        sent["usage"].update(reply.usage_over or {})
        return web.json_response({**sent, **(reply.response_over or {})})


def _error(status: int, message: str) -> web.Response:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return web.json_response({"error": {"message": message, "type": kind, "code": None}}, status=status)


async def _serve(latency: float) -> None:
    server = await FakeGraderModel(latency=latency).start()
    print(server.url, flush=True)  # the parent reads the base URL from the first line
    try:
        await asyncio.Event().wait()
    finally:
        await server.aclose()


if __name__ == "__main__":  # python -m tests.fakes.grader_model [LATENCY_S]
    asyncio.run(_serve(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0))
