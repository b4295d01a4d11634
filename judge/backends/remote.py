"""The remote backend: each run goes to the least loaded judge service (`shadows judge serve`) named in
SHADOWS_JUDGE_REMOTE_URLS, under a run id of its own that the service never runs twice.

With SHADOWS_JUDGE_REMOTE_SUBMIT_URLS set, a Submit's hidden tests go only to those hosts, and everything whose
output a report shows only to the others (the two lists share no host name, judge.settings): a Submit gives hidden
inputs to candidate code, whose process can leave them in the host's page cache for a later process to read. So a
Submit is two runs at once: its visible tests (their returned values and messages are shown, as a Run's are) on a
run host, its hidden tests (verdicts and time buckets only) on a Submit host; the two reports become one
(`merge_submit`). Everything below applies within each run's own list; hidden tests never fall back to a run host,
nor anything shown to a Submit host.

Retry rules, by what may have happened to the run:
- not sent (connection refused, TLS handshake refused): try the next host;
- not sent because the host did not accept the connection in time (connect timeout): try the next host, and when
  none is left, try the hosts that were slow again after a short pause, up to SLOW_ROUNDS times. A loaded host can
  be slow to accept for a few seconds; that must not cost a run whose budget has a minute left;
- refused by the service before it started (503 `judge_busy` or `judge_unavailable`): try the next host;
- sent but unanswered (connection reset, read timeout): ask the same host again under the same run id (it answers
  from memory or waits for the run in flight). If that host now refuses connections it is gone, and its runs died
  with it (its pool workers and sandboxes die with their parent): try the next host under the same id;
- anything else fails the run: an `internal_error` report (Judge.run), never a verdict against the candidate.
When every host answered busy: JudgeBusyError (retryable). When no host could be reached: `internal_error`.

Every POST of a run says how long this process will wait for it to start (judge.remote_protocol's
START_WITHIN_HEADER): the time left to the run's deadline less all a host's pool lets the run take before it kills it
(`judge.limits.pool_timeout_s`: its budget and the grace, at least `job_timeout_s`), so that a run a host starts, even
one that overruns, ends before this process stops waiting (and its caller, api.run_flow, releases the session's run
lease). A host still holding it in its queue then refuses it (503 `start_expired`, never started): `internal_error`,
as when no answer came in time. A host that predates the header ignores it, and would start a run however late: past
the start-by no host is asked afresh (`_refuse_late_start`: after a busy one, a pause for slow ones, a PUT of the
tests), only the one that may be running it.

A run whose tests' JSON is at least DIGEST_MIN_BYTES (a Submit of a bank question: up to 1.5 MiB) names them by
digest (judge.remote_protocol): a host that does not hold them says so before starting anything (`tests_unknown`),
is sent them (PUT, at most TESTS_PUTS times per run) and asked again, under the same run id and body. The tests are
encoded and hashed once per set of TestCase objects (`TestsMemo`: the API shares one tuple of them per question
version, api.question_cache), so each Submit after a question's first sends a few KiB, not its tests. A host that
answers that route 404 (an older version) is sent whole runs from then on.

A Run's hidden tests never leave this process (a Run does not execute them: `judge.disclosure.executed_part`).
A host's report is checked against the request before it is used (`remote_answers.check_report`): the same
language, mode and tests, a visible test's own arguments and expected value, nothing of a hidden test but its
verdict and time, no text or shown value longer than the local judge's, and no figure (verdict, counts, processes,
times) its tests do not give.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import ssl
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from judge import remote_protocol as wire
from judge.backends.remote_answers import (
    MAX_READYZ_BYTES,
    AnswerTooLargeError,
    check_report,
    error_code,
    get_bounded,
    read_capped,
)
from judge.backends.remote_hosts import Host, HostTable
from judge.credential_mask import url_for_log
from judge.disclosure import executed_part, withhold_quoted_hidden
from judge.errors import (
    CodeTooLargeError,
    JudgeBusyError,
    JudgeConfigurationError,
    JudgeInternalError,
    UnsupportedLanguageError,
)
from judge.limits import pool_timeout_s
from judge.schemas import RunReport, RunRequest, Timings, Verdict
from judge.settings import JudgeSettings
from judge.tests_cache import MEMO_MIN_BYTES, EncodedTests, TestsMemo
from judge.verdict import overall_verdict

log = logging.getLogger(__name__)

DIGEST_MIN_BYTES = (
    MEMO_MIN_BYTES  # smaller tests travel with each run: one round trip, never a second for a PUT
)
TESTS_PUTS = 2  # how often one run sends its tests to a host that says it does not hold them
REPLAYS = 6  # how often one host is asked again for a run that may have started there
_REPLAY_BACKOFF_S = (0.05, 0.2, 0.5, 1.0, 2.0, 2.0)
SLOW_ROUNDS = 3  # how often the hosts that timed out on connect are tried again before a run gives up on them
_SLOW_PAUSE_S = (0.2, 0.5, 1.0)
_KEEPALIVE_EXPIRY_S = 10.0  # under the service's SHADOWS_JUDGE_SERVE_KEEP_ALIVE_S (30 s)
# A handshake that failed before the request was written (the host's certificate not trusted, TLS 1.2 refusing
# ours). TLS 1.3 verifies a client certificate after the client has written its request, and the host then resets
# the connection: indistinguishable from a host dying mid-run, so that is asked again (REPLAYS) like any drop.
_HANDSHAKE_ALERTS = ("CERTIFICATE", "UNKNOWN_CA", "HANDSHAKE_FAILURE", "ACCESS_DENIED", "PROTOCOL_VERSION")


class _NotSent(Exception):
    def __init__(self, reason: str, *, gone: bool, slow: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.gone = gone  # the host refused the connection: nothing listens there any more
        self.slow = slow  # the host did not accept in time: loaded (back soon) or unreachable, we cannot tell


class _Unanswered(Exception):
    """The request may have reached the host, and no answer came back."""


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


def _refuse_late_start(start_by: float, run_id: str) -> None:
    """Raise JudgeInternalError (`judge_timeout`) once `start_by` (this loop's clock) has passed: a host asked afresh
    for the run then could only start it late, and one that predates START_WITHIN_HEADER would (after a busy host, a
    pause for slow ones, a PUT of its tests), outlasting this process's wait and its caller's run lease."""
    if asyncio.get_running_loop().time() >= start_by:
        log.error("no judge host started run %s by its start-by", run_id)
        raise JudgeInternalError("no judge host started the run in time", code="judge_timeout")


class _Bodies:
    """One run's request bodies: by digest when its tests are large enough, whole (built only if needed)."""

    def __init__(self, run_id: str, request: RunRequest, memo: TestsMemo) -> None:
        self.run_id, self.request = run_id, request
        self.tests: EncodedTests | None = None
        self.by_digest = b""
        encoded = memo.get(request.tests)
        if len(encoded.data) >= memo.min_bytes:
            self.tests = encoded
            named = wire.RunByDigestEnvelope(
                run_id=run_id,
                tests_digest=encoded.digest,
                request=request.model_dump(mode="json", exclude={"tests"}),
            )
            self.by_digest = named.model_dump_json().encode()
        self._whole: bytes | None = None

    def whole(self) -> bytes:
        if self._whole is None:
            self._whole = (
                wire.RunEnvelope(run_id=self.run_id, request=self.request).model_dump_json().encode()
            )
        return self._whole


def client_ssl_context(settings: JudgeSettings) -> ssl.SSLContext | bool:
    """How the backend verifies judge hosts over https (their CA, or the system's) and, for mTLS, its own
    certificate. Raises JudgeConfigurationError for unreadable files."""
    if settings.remote_tls_ca is None and settings.remote_tls_cert is None:
        return True
    if (settings.remote_tls_cert is None) != (settings.remote_tls_key is None):
        raise JudgeConfigurationError(
            "set both SHADOWS_JUDGE_REMOTE_TLS_CERT and SHADOWS_JUDGE_REMOTE_TLS_KEY"
        )
    try:
        context = ssl.create_default_context(
            cafile=str(settings.remote_tls_ca) if settings.remote_tls_ca is not None else None
        )
        if settings.remote_tls_cert is not None:
            context.load_cert_chain(str(settings.remote_tls_cert), str(settings.remote_tls_key))
    except (ssl.SSLError, OSError) as exc:
        raise JudgeConfigurationError(f"the remote backend's TLS files cannot be loaded: {exc}") from exc
    return context


def _tls_refusal(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            reason = (seen.reason or "").upper()
            return any(alert in reason for alert in _HANDSHAKE_ALERTS)
        seen = seen.__cause__ or seen.__context__
    return False


def split_submit(request: RunRequest) -> tuple[RunRequest, RunRequest] | None:
    """A Submit as its visible part (for a run host) and its hidden part (for a Submit host), or None when it has
    only one kind of test."""
    visible = [t for t in request.tests if not t.hidden]
    hidden = [t for t in request.tests if t.hidden]
    if request.mode != "submit" or not visible or not hidden:
        return None
    return request.model_copy(update={"tests": visible}), request.model_copy(update={"tests": hidden})


def merge_submit(request: RunRequest, shown: RunReport, hidden: RunReport) -> RunReport:
    """One Submit's report from its two parts' (each checked against its part). What the report shows beyond verdicts
    and time buckets, compile output included, is the visible part's: the hidden part ran on a Submit host, where an
    earlier Submit may have left hidden inputs for its code to read (a Python or JavaScript harness's "does not
    compile" report is the candidate's own text)."""
    visible_results, hidden_results = iter(shown.tests), iter(hidden.tests)
    tests = [next(hidden_results) if t.hidden else next(visible_results) for t in request.tests]
    verdict = overall_verdict(tests)
    if shown.verdict is Verdict.COMPILE_ERROR and all(t.verdict is Verdict.COMPILE_ERROR for t in tests):
        verdict = Verdict.COMPILE_ERROR
    timings = Timings(
        compile_ms=shown.timings.compile_ms,  # the source's alone, like the compile output
        run_ms=max(shown.timings.run_ms, hidden.timings.run_ms),  # buckets, as a Submit's are
        total_ms=max(shown.timings.total_ms, hidden.timings.total_ms),
    )
    return RunReport(
        verdict=verdict,
        language=request.language,
        mode=request.mode,
        tests=tests,
        passed=sum(t.verdict is Verdict.ACCEPTED for t in tests),
        total=len(tests),
        compile_output=shown.compile_output,
        message=shown.message if shown.message is not None else hidden.message,
        timings=timings,
        backend=shown.backend,
        # Processes started before the first hidden input was sent: all of the visible part's, and the hidden
        # part's first (it is started before any input; counted by its own report the same way).
        processes=shown.processes + hidden.processes,
    )


class RemoteBackend:
    """Judge services over HTTP(S). Use through `Judge` (`SHADOWS_JUDGE_BACKEND=remote`)."""

    name = "remote"

    def __init__(self, settings: JudgeSettings, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.hosts = HostTable(settings.remote_hosts)
        self.submit_hosts = HostTable(settings.remote_submit_hosts)  # empty: Submits share `hosts`
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._poller: asyncio.Task[None] | None = None
        self.memo = TestsMemo()

    async def start(self) -> None:
        s = self.settings
        if not self.hosts:
            raise JudgeConfigurationError("SHADOWS_JUDGE_BACKEND=remote needs SHADOWS_JUDGE_REMOTE_URLS")
        for setting, table in (
            ("SHADOWS_JUDGE_REMOTE_URLS", self.hosts),
            ("SHADOWS_JUDGE_REMOTE_SUBMIT_URLS", self.submit_hosts),
        ):
            for host in table:
                scheme = httpx.URL(host.url).scheme
                if scheme not in ("http", "https"):
                    raise JudgeConfigurationError(f"{setting}: {url_for_log(host.url)} is not an http(s) URL")
                if scheme == "http" and s.remote_tls_cert is not None:
                    raise JudgeConfigurationError(
                        f"{url_for_log(host.url)}: a client certificate needs an https URL"
                    )
        headers = {"Authorization": f"Bearer {s.remote_token.get_secret_value()}"} if s.remote_token else {}
        self._client = httpx.AsyncClient(
            headers=headers,
            verify=client_ssl_context(s),
            timeout=httpx.Timeout(s.remote_connect_timeout_s),
            limits=httpx.Limits(
                max_connections=512, max_keepalive_connections=64, keepalive_expiry=_KEEPALIVE_EXPIRY_S
            ),
            transport=self._transport,
            follow_redirects=False,
        )
        await self.poll()
        if s.remote_poll_s > 0:
            self._poller = asyncio.create_task(self._poll_forever(), name="judge-remote-poll")

    async def aclose(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def poll(self) -> None:
        """Ask every host's /readyz (run and Submit hosts) for its state and load, at once."""
        await asyncio.gather(*(self._poll(host) for host in (*self.hosts, *self.submit_hosts)))

    def _table(self, request: RunRequest) -> HostTable:
        """The hosts this (unsplit) run may go to: one with hidden tests to execute only to the Submit hosts when there
        are any, anything else (a Run, a Submit without hidden tests, whose values are all shown) never there."""
        hidden = any(t.hidden for t in request.selected_tests())
        return self.submit_hosts if hidden and self.submit_hosts else self.hosts

    async def run(self, request: RunRequest) -> RunReport:
        if self._client is None:
            raise JudgeInternalError("the remote backend is not started")
        parts = split_submit(request) if self.submit_hosts else None
        if parts is None:
            return await self._run_on(self._table(request), request)
        tasks = [
            asyncio.ensure_future(self._run_on(self.hosts, parts[0])),
            asyncio.ensure_future(self._run_on(self.submit_hosts, parts[1])),
        ]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        finally:
            for task in tasks:  # a part that failed fails the Submit: the other is not waited for
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        failures = [e for t in tasks if not t.cancelled() and (e := t.exception()) is not None]
        if failures:  # the first part's failure that is not busy (busy: the whole Submit is retried)
            raise next((f for f in failures if not isinstance(f, JudgeBusyError)), failures[0])
        shown, hidden = (t.result() for t in tasks)
        return withhold_quoted_hidden(merge_submit(request, shown, hidden), request)

    async def _run_on(self, table: HostTable, request: RunRequest) -> RunReport:
        """One run on one host of `table`, by the retry rules above."""
        run_id = secrets.token_hex(16)
        bodies = _Bodies(run_id, executed_part(request), self.memo)
        loop = asyncio.get_running_loop()
        # What a host's pool lets the run take before killing it: a run started later than `start_by` could still be
        # running at the deadline, when this process stops waiting and its caller releases the session's run lease.
        allowed = pool_timeout_s(request, self.settings)
        deadline = loop.time() + allowed + self.settings.remote_queue_wait_s
        start_by = deadline - allowed
        tried: set[Host] = set()  # not to be asked again for this run
        slow: set[Host] = set()  # timed out on connect: asked again after a pause, when no other host is left
        busy = refused_us = False
        pinned: Host | None = None  # the host that may be running it
        replays = slow_rounds = 0
        while True:
            host = pinned or table.best(exclude=tried | slow)
            if host is None and slow and slow_rounds < SLOW_ROUNDS:
                pause = min(_SLOW_PAUSE_S[slow_rounds], max(0.0, deadline - loop.time()))
                log.warning("no judge host accepted run %s in time; trying again in %.1f s", run_id, pause)
                await asyncio.sleep(pause)
                slow_rounds += 1
                slow.clear()
                continue
            if host is None:
                if busy:
                    raise JudgeBusyError("every judge host is busy")
                failure = "judge_unauthorized" if refused_us else "judge_unreachable"
                raise JudgeInternalError("no judge host could take the run", code=failure)
            if deadline - loop.time() <= 0:
                raise JudgeInternalError("no judge host answered in time", code="judge_timeout")
            if pinned is None:  # asked afresh (the host that may be running it is asked whatever the time)
                _refuse_late_start(start_by, run_id)
                host.sent += 1
            try:
                answer = await self._send(host, bodies, deadline, start_by)
            except _NotSent as exc:
                host.down = True
                if pinned is host and not exc.gone:  # unreachable, maybe still running it: ask it again
                    replays = await self._replay_pause(host, replays, run_id)
                    continue
                log.warning("judge host %s not reached (%s)", url_for_log(host.url), exc.reason)
                pinned = None
                (slow if exc.slow else tried).add(host)
                continue
            except _Unanswered:
                host.down = False
                pinned = host
                replays = await self._replay_pause(host, replays, run_id)
                continue
            host.down = False
            host.reported(wire.Load.from_headers(answer.headers))
            if answer.status == 200:
                return self._report(answer.body, run_id, request)
            code = error_code(answer.body)
            if answer.status == 503 and code in (wire.JUDGE_BUSY, wire.JUDGE_UNAVAILABLE):
                # Not started there (a host that forgot a pinned run id was restarted: that run died with it).
                busy = busy or code == wire.JUDGE_BUSY
                host.ready = code != wire.JUDGE_UNAVAILABLE
                pinned = None
                tried.add(host)
                continue
            if answer.status == 503 and code == wire.START_EXPIRED:
                # Nothing started, and nothing may start now: whatever starts now could outlast our deadline.
                log.error("judge host %s did not start run %s in time", url_for_log(host.url), run_id)
                raise JudgeInternalError("no judge host started the run in time", code="judge_timeout")
            if answer.status == 409 and code == wire.TESTS_UNKNOWN:
                # It would not keep them (put twice, still unknown): nothing started there.
                log.warning("judge host %s does not keep the tests of run %s", url_for_log(host.url), run_id)
                pinned = None
                tried.add(host)
                continue
            if answer.status == 401:
                log.error(
                    "judge host %s refused this API's credentials (SHADOWS_JUDGE_REMOTE_TOKEN)",
                    url_for_log(host.url),
                )
                pinned = None
                tried.add(host)
                continue
            if code == wire.UNSUPPORTED_LANGUAGE:
                raise UnsupportedLanguageError("the judge host does not run this language")
            if code == wire.CODE_TOO_LARGE:
                raise CodeTooLargeError("the source is larger than the judge host accepts")
            log.error("judge host %s refused a run: HTTP %d %s", url_for_log(host.url), answer.status, code)
            raise JudgeInternalError(f"the judge host refused the run ({code or answer.status})")

    async def _replay_pause(self, host: Host, replays: int, run_id: str) -> int:
        if replays >= REPLAYS:
            raise JudgeInternalError("the judge host keeps dropping the run", code="judge_unreachable")
        log.warning("judge host %s dropped run %s; asking again", url_for_log(host.url), run_id)
        await asyncio.sleep(_REPLAY_BACKOFF_S[replays])
        return replays + 1

    async def _send(self, host: Host, bodies: _Bodies, deadline: float, start_by: float) -> _Answer:
        """Ask `host` for the run: by digest when it may, sending the tests when it does not hold them."""
        if bodies.tests is None or not host.by_digest:
            return await self._call("POST", host.url + wire.RUNS_PATH, bodies.whole(), deadline, start_by)
        puts = 0
        while True:
            answer = await self._call(
                "POST", host.url + wire.RUNS_BY_DIGEST_PATH, bodies.by_digest, deadline, start_by
            )
            if answer.status == 404:  # an older host: nothing started there
                log.info("judge host %s takes no runs by digest: sending whole runs", url_for_log(host.url))
                host.by_digest = False
                _refuse_late_start(start_by, bodies.run_id)  # asked afresh, and it predates the start-by
                return await self._call("POST", host.url + wire.RUNS_PATH, bodies.whole(), deadline, start_by)
            if answer.status != 409 or error_code(answer.body) != wire.TESTS_UNKNOWN or puts >= TESTS_PUTS:
                return answer
            url = host.url + wire.TESTS_PATH.format(digest=bodies.tests.digest)
            put = await self._call("PUT", url, bodies.tests.data, deadline)
            puts += 1
            if put.status != 204:
                return put
            _refuse_late_start(start_by, bodies.run_id)  # nothing started there: asked afresh

    async def _call(
        self, method: str, url: str, body: bytes, deadline: float, start_by: float | None = None
    ) -> _Answer:
        """`start_by` (this loop's clock), for a run's POST: sent as the time left to it (START_WITHIN_HEADER)."""
        assert self._client is not None
        now = asyncio.get_running_loop().time()
        remaining = max(0.001, deadline - now)
        connect = min(self.settings.remote_connect_timeout_s, remaining)
        timeout = httpx.Timeout(remaining, connect=connect, pool=connect)
        headers = {"Content-Type": "application/json"}
        if start_by is not None:
            headers[wire.START_WITHIN_HEADER] = wire.start_within_header(start_by - now)
        try:
            # The whole answer by the run's deadline: httpx's timeout bounds each read, and a host trickling its
            # answer a byte at a time would hold the run past it.
            async with (
                asyncio.timeout(remaining),
                self._client.stream(method, url, content=body, headers=headers, timeout=timeout) as response,
            ):
                data = await read_capped(response)
                return _Answer(response.status_code, response.headers, data)
        except TimeoutError as exc:
            raise _Unanswered("the answer did not arrive in time") from exc
        except httpx.ConnectError as exc:
            tls = _tls_refusal(exc)
            raise _NotSent("TLS handshake failed" if tls else "connection refused", gone=not tls) from exc
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise _NotSent("connect timeout", gone=False, slow=True) from exc
        except httpx.TransportError as exc:
            raise _Unanswered(type(exc).__name__) from exc

    def _report(self, body: bytes, run_id: str, request: RunRequest) -> RunReport:
        try:
            envelope = wire.ReportEnvelope.model_validate_json(body)
        except ValidationError as exc:
            raise JudgeInternalError("the judge host sent an invalid report") from exc
        if envelope.run_id != run_id:
            raise JudgeInternalError("the judge host answered another run")
        report = envelope.report
        check_report(report, request)
        # The host never saw a Run's hidden tests.
        return withhold_quoted_hidden(report.model_copy(update={"backend": self.name}), request)

    async def _poll(self, host: Host) -> None:
        assert self._client is not None
        try:
            # Bounded as a whole: one host trickling or streaming its answer would otherwise stall every poll
            # (they are awaited together) and fill this process's memory.
            response, _ = await get_bounded(
                self._client, host.url + "/readyz", cap=MAX_READYZ_BYTES,
                within_s=2 * self.settings.remote_connect_timeout_s,
            )  # fmt: skip
        except (httpx.HTTPError, TimeoutError, AnswerTooLargeError) as exc:
            if not host.down:
                hint = (
                    _hint(exc)
                    if isinstance(exc, httpx.HTTPError)
                    else ": its /readyz answer is too slow or large"
                )
                log.warning(
                    "judge host %s is unreachable (%s)%s", url_for_log(host.url), type(exc).__name__, hint
                )
            host.down = True
            return
        host.down = False
        host.ready = response.status_code == 200
        host.reported(wire.Load.from_headers(response.headers))

    async def _poll_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.remote_poll_s)
            try:
                await self.poll()
            except Exception:  # a poll must never stop polling; runs still work from responses alone
                log.exception("polling the judge hosts failed")


def _hint(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectError) and _tls_refusal(exc):
        return ": its certificate is not trusted (SHADOWS_JUDGE_REMOTE_TLS_CA)"
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        return ": it drops our connections (with mTLS: SHADOWS_JUDGE_REMOTE_TLS_CERT must be signed by its client CA)"
    return ""
