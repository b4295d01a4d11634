"""The grading pipeline's entry point: one session's `BundleInput` in, one `GradeOutcome` out.

The queue's `grade_session` job (api/jobs/grading.py) calls `grade` and stores what it returns. The contract:
- return a `GradeOutcome`: `ready` only with a scorecard whose every citation was verified, otherwise `failed`
  with a machine-readable reason;
- raise a `GraderError` when no outcome could be reached: a `retryable` one is tried again by the queue (with
  backoff, a bounded number of times), any other one fails the version with the error's `code` as its reason.

The steps: facts (code) -> bundle (redacted, bounded) -> prompt -> `samples` independent model calls, each
validated and its citations verified, with one repair round naming exactly what failed -> the median of the
verified samples (a majority must verify) -> the outcome with model, prompt and rubric versions, tokens and cost.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
from collections import Counter
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog

from grader.aggregate import aggregate
from grader.bundle import Bundle, build_bundle
from grader.claim_activity import activity_of, activity_problems
from grader.claim_complexity import complexity_problems, stated
from grader.claim_fairness import identity_problems, integrity_problems, record_of
from grader.claim_first import first_run_problems
from grader.claim_hints import hint_problems
from grader.claim_requests import request_problems
from grader.claim_speed import speed_problems
from grader.claim_time import time_problems
from grader.claims import claim_problems
from grader.code_timeline import clip, fence
from grader.errors import GraderError, GraderNotConfiguredError
from grader.facts import compute_facts
from grader.graded_lines import graded_candidate_lines
from grader.leaks import leak_problems
from grader.output import (
    citation_problems,
    credit_without_the_candidate,
    echoed,
    output_schema,
    parse,
    schema_text,
    to_scorecard,
)
from grader.prompts import prompt_version, render
from grader.schemas import BundleInput, BundleQuestion, Facts, GradeOutcome, Scorecard, Usage
from grader.settings import GraderSettings, get_grader_settings

# The client, and with it the `openai` SDK (over a second of CPU to import), loads when a Grader is made: the API
# and the job worker import this module, and only grading needs the SDK.
if TYPE_CHECKING:
    from grader.client import GraderClient, Message, ModelReply

log = structlog.get_logger(__name__)

MAX_STATEMENT_CHARS = 8_000
MAX_REFERENCE_CHARS = 6_000


@dataclass
class SampleResult:
    scorecard: Scorecard | None = None
    reason: str | None = None  # why this sample failed
    input_tokens: int = 0
    output_tokens: int = 0
    model: str | None = None
    calls: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, reply: ModelReply) -> None:
        self.calls += 1
        self.input_tokens += reply.input_tokens
        self.output_tokens += reply.output_tokens
        self.model = self.model or reply.model


def rubric_version(question: BundleQuestion) -> str:
    """`<slug>@<hash>` of the question's rubric items: changes exactly when what is graded changes."""
    digest = hashlib.sha256(json.dumps(question.rubric, sort_keys=True).encode()).hexdigest()[:12]
    return f"{question.slug}@{digest}"


def _signature(signature: dict[str, Any]) -> str:
    params = signature.get("params") or []
    args = ", ".join(f"{p.get('name')}: {p.get('type')}" for p in params if isinstance(p, dict))
    return f"{signature.get('function', '?')}({args}) -> {signature.get('returns', '?')}"


def task_messages(source: BundleInput, bundle: Bundle, nonce: str) -> list[Message]:
    """The system instructions (ours alone) and the task: the question, then the interview as delimited data."""
    q = source.question
    references = q.reference_solutions
    language = bundle.language if bundle.language in references else next(iter(sorted(references)), "")
    task = render(
        "grader_task",
        title=q.title,
        difficulty=q.difficulty,
        signature=_signature(q.signature),
        duration_minutes=source.session.duration_minutes,
        statement=clip(q.statement_md.strip(), MAX_STATEMENT_CHARS),
        rubric="\n".join(
            f"- {item.get('id')} (weight {item.get('weight', 1)}): {item.get('behaviour', '')}"
            for item in q.rubric
        )
        or "(none)",
        hints="\n".join(f"{i}. {h}" for i, h in enumerate(q.hints, 1)) or "(none)",
        reference_language=language or "none",
        reference_solution=fence(clip(references.get(language, "(none)"), MAX_REFERENCE_CHARS), language),
        nonce=nonce,
        interview=bundle.interview,
    )
    return [{"role": "system", "content": render("grader_system")}, {"role": "user", "content": task}]


class Grader:
    """The pipeline with its settings and model client (one per process and event loop)."""

    def __init__(self, settings: GraderSettings, client: GraderClient | None = None) -> None:
        if not settings.configured:
            raise GraderNotConfiguredError(
                "No grading model is configured: set SHADOWS_GRADER_API_KEY (or OPENAI_API_KEY) "
                "or SHADOWS_GRADER_BASE_URL."
            )
        self.settings = settings
        if client is None:
            from grader.client import GraderClient

            client = GraderClient(settings)
        self.client = client

    async def aclose(self) -> None:
        await self.client.aclose()

    async def grade(self, source: BundleInput) -> GradeOutcome:
        # Building the bundle and checking a reply are CPU work over the candidate's text (seconds for a session
        # at its 16 MB code budget): in a thread, so that the worker's event loop keeps serving its other jobs.
        facts, bundle = await asyncio.to_thread(_prepare, source)
        rubric_ids = [str(item.get("id")) for item in source.question.rubric]
        schema = output_schema(rubric_ids)
        nonce = secrets.token_hex(8)
        messages = task_messages(source, bundle, nonce)
        results = await _gather(
            [
                self._sample(source, bundle, messages, schema, rubric_ids, nonce)
                for _ in range(self.settings.samples)
            ]
        )
        usage_in = sum(r.input_tokens for r in results)
        usage_out = sum(r.output_tokens for r in results)
        common: dict[str, Any] = {
            "facts": facts,
            "model": next((r.model for r in results if r.model), self.settings.model)[:200],
            "prompt_version": prompt_version(schema_text(rubric_ids)),
            "rubric_version": rubric_version(source.question),
            "usage": Usage(
                input_tokens=usage_in,
                output_tokens=usage_out,
                cost_usd=self.settings.cost_usd(usage_in, usage_out),
                samples=self.settings.samples,
            ),
        }
        verified = [r.scorecard for r in results if r.scorecard is not None]
        if len(verified) * 2 <= len(results):  # a majority of the samples must verify
            reasons = Counter(r.reason for r in results if r.reason)
            reason = reasons.most_common(1)[0][0] if reasons else "invalid_output"
            log.info("grader.failed", session_id=source.session.id, reason=reason, verified=len(verified))
            return GradeOutcome.failed(reason, **common)
        combined = aggregate(verified)
        log.info(
            "grader.ready",
            session_id=source.session.id,
            samples=len(results),
            verified=len(verified),
            spread=combined.spread,
            calls=sum(r.calls for r in results),
            input_tokens=usage_in,
            output_tokens=usage_out,
        )
        return GradeOutcome(
            status="ready",
            scorecard=combined.scorecard,
            needs_human_review=combined.needs_human_review,
            **common,
        )

    async def _sample(
        self,
        source: BundleInput,
        bundle: Bundle,
        messages: list[Message],
        schema: dict[str, Any],
        rubric_ids: list[str],
        nonce: str,
    ) -> SampleResult:
        result = SampleResult()
        reply = await self.client.complete(messages, schema)
        result.add(reply)
        held = await asyncio.to_thread(self._check, reply, source, bundle, rubric_ids, result)
        if held or result.reason == "model_refused":
            return result
        # The problems quote the model's quotes, which may be the candidate's words: delimited like the interview.
        problems = "\n".join(result.problems).replace(nonce, "[removed]")
        repair = render("grader_repair", problems=problems, nonce=nonce)
        log.info(
            "grader.repair", session_id=source.session.id, reason=result.reason, problems=len(result.problems)
        )
        retry: list[Message] = [
            *messages,
            {"role": "assistant", "content": echoed(reply.content or "")},
            {"role": "user", "content": repair},
        ]
        reply = await self.client.complete(retry, schema)
        result.add(reply)
        await asyncio.to_thread(self._check, reply, source, bundle, rubric_ids, result)
        return result

    @staticmethod
    def _check(
        reply: ModelReply, source: BundleInput, bundle: Bundle, rubric_ids: list[str], result: SampleResult
    ) -> bool:
        """Validate and verify one answer into `result`; True when it holds."""
        result.scorecard, result.reason, result.problems = None, None, []
        if reply.refusal:
            result.reason = "model_refused"
            return False
        if reply.finish_reason == "length":
            result.reason, result.problems = (
                "invalid_output",
                ["the answer was cut off at the output limit: write shorter justifications and advice"],
            )
            return False
        parsed = parse(reply.content, rubric_ids)
        if isinstance(parsed, list):
            result.reason, result.problems = "invalid_output", [f"- {p}" for p in parsed]
            return False
        verified, problems = citation_problems(parsed, bundle.index)
        claims = claim_problems(parsed.texts(), bundle.facts, bundle.index)
        claims += hint_problems(parsed.texts(), bundle.facts, source.session.record_full_s)
        claims += speed_problems(parsed.texts(), bundle.index)
        claims += time_problems(parsed.texts(), bundle.facts)
        claims += first_run_problems(parsed.texts(), bundle.index)
        claims += activity_problems(parsed.texts(), activity_of(source))
        claims += complexity_problems(
            parsed.texts(), stated(bundle.facts.complexity_claimed, graded_candidate_lines(source))
        )
        claims += leak_problems(parsed.texts(), bundle.reference_lines)
        # What a quote in the scorecard's words may repeat: the interview and the statement as the model read them.
        record = record_of(bundle.interview, source.question.statement_md)
        claims += integrity_problems(parsed.texts(), record)
        claims += identity_problems(parsed.texts(), source.question.statement_md, record)
        claims += request_problems(parsed.texts(), record)
        if not problems:
            claims += credit_without_the_candidate(parsed, verified, bundle.index)
        if problems or claims:
            result.reason = "citations_unverified"
            result.problems = [*(p.describe() for p in problems), *claims]
            return False
        result.scorecard = to_scorecard(parsed, verified, source.question.rubric)
        return True


def _prepare(source: BundleInput) -> tuple[Facts, Bundle]:
    facts = compute_facts(source)
    return facts, build_bundle(source, facts)


async def _gather(samples: list[Coroutine[Any, Any, SampleResult]]) -> list[SampleResult]:
    """Run the samples at once; the first error cancels the rest and is raised as itself."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(s) for s in samples]
    except BaseExceptionGroup as eg:
        errors = [e for e in eg.exceptions if isinstance(e, GraderError)]
        raise (errors[0] if errors else eg.exceptions[0]) from None
    return [t.result() for t in tasks]


_default: tuple[asyncio.AbstractEventLoop, GraderSettings, Grader] | None = None


def configured() -> bool:
    """Whether a grading model is configured (`SHADOWS_GRADER_*`)."""
    return get_grader_settings().configured


async def grade(bundle_input: BundleInput) -> GradeOutcome:
    """Grade one finished session with the configured model (`SHADOWS_GRADER_*`)."""
    global _default
    loop = asyncio.get_running_loop()
    settings = get_grader_settings()
    if _default is None or _default[0] is not loop or _default[1] != settings:
        _default = (loop, settings, Grader(settings))
    return await _default[2].grade(bundle_input)


async def aclose() -> None:
    """Close the default grader's model client (the worker calls this when it stops)."""
    global _default
    if _default is not None and _default[0] is asyncio.get_running_loop():
        await _default[2].aclose()
    _default = None
