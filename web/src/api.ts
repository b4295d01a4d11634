// The candidate's HTTP API (api/routers/join.py, interviews.py, drafts.py, integrity.py, runs.py, custom_runs.py).
import { type ServerClock, serverClock } from "./serverclock";
import { bodyBytes, releaseKeepalive, reserveKeepalive } from "./leaving";

export type Language = "python" | "javascript" | "java" | "cpp";
export const LANGUAGES: readonly Language[] = ["python", "javascript", "java", "cpp"];

export interface SessionView {
  id: string;
  status: "scheduled" | "in_progress" | "completed" | "abandoned" | "cancelled";
  language: Language;
  languages: Language[];
  duration_minutes: number;
  extra_time_minutes: number;
  text_only: boolean;
  role: string | null;
  start_mode: "voice" | "text" | null;
  started_at: string | null;
  ends_at: string | null;
  practice: boolean;
}

export interface OrganizationView {
  name: string | null;
  slug: string | null;
  logo_url: string | null;
  allow_text_only: boolean;
  allow_resubmission: boolean;
  retention_days: number | null;
}

export interface NoticeView {
  version: string;
  sha256: string;
  html: string;
}

export interface VisibleTest {
  id: string;
  args: unknown[];
  expected: unknown;
}

export interface Question {
  id: string;
  title: string;
  difficulty: string;
  topics: string[];
  statement_md: string;
  signature: { function: string; params: { name: string; type: string }[]; returns: string };
  starter_code: Partial<Record<Language, string>>;
  visible_tests: VisibleTest[];
  hidden_test_count: number;
}

/** The SHA-256 (hex) of the notice's HTML as the page renders it (UTF-8, as the API hashes it). Web Crypto exists
 * only in a secure context (https, or a loopback address), where the page is served; elsewhere the API's own hash of
 * the same response stands in. */
export async function shownDigest(notice: NoticeView): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return notice.sha256;
  const digest = await subtle.digest("SHA-256", new TextEncoder().encode(notice.html));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface JoinResponse {
  server_url: string;
  participant_token: string;
  room_name: string;
  participant_name: string;
  participant_identity: string;
  session: SessionView;
  organization: OrganizationView;
  notice: NoticeView;
  consented: boolean;
  agent_join_timeout_s: number;
  /** Null until the interview has started: nobody sees the problem before the clock runs. */
  question: Question | null;
  /** The hints given so far, from the record (numbers only, never a hint's text); null unless the interview runs. */
  hints?: HintsGiven | null;
}

export interface HintsGiven {
  /** Hint events the record holds, as the report counts them. */
  count: number;
  /** Hints the question has, as the newest hint said; null before the first. */
  total: number | null;
  /** Each hint given, once, in order; `unsettled`: being said when the interviewer's call dropped. */
  given: { index: number; unsettled: boolean; at: string }[];
}

export interface Draft {
  code: string;
  revision: number;
  updated_at: string;
}

export interface DraftList {
  drafts: Partial<Record<Language, Draft>>;
  submitted: boolean;
}

/** `GET /v1/sessions/{id}/results`: the newest plain Run, Submit and custom input (web/src/latestresults.ts
 * `latestByPane`). */
export interface LatestResults {
  run: StoredReport | null;
  submit: StoredReport | null;
  /** Absent from an API replica that predates it: its `run` is then the newest Run of either kind. */
  custom?: StoredReport | null;
  /** Asked with a run's `client_run_id`: that run's report, null while it is not stored. Absent from an API replica
   * that predates the ids (it ignores the question). */
  client_run?: StoredReport | null;
}

/** Who asked for a stored run: the candidate, the interviewer (`agent`: its `run_tests` or Submit), or the grading
 * job's final Submit (`grader`: the code the candidate handed in). */
export type RunBy = "candidate" | "agent" | "grader";

/** A report as `GET .../results` returns it. `by` is null for a run stored before who ran it was recorded, and
 * absent from an API replica that predates it: not known then. `client_run_id`: the id the page gave the run as it
 * sent it (web/src/pendingrun.ts `newRunId`); null when none was given (the interviewer's runs, a run an API replica
 * from before the ids stored), absent from such a replica's answer. */
export type StoredReport = RunReport & { created_at: string; by?: RunBy | null; client_run_id?: string | null };

/** The header carrying the id the page gives a Run, Submit or custom input (api/routers/runs.py `ClientRunId`). A
 * header, not a body field: an API replica from before it ignores a header, where it refuses a field it does not
 * know (a rolling deploy would have had every Run refused). */
export const CLIENT_RUN_HEADER = "X-Shadows-Client-Run-Id";

export type IntegrityKind = "paste" | "focus_lost" | "page_hidden" | "fast_insertion" | "devtools";

export interface IntegrityObservation {
  id: string;
  kind: IntegrityKind;
  chars?: number;
  lines?: number;
  duration_ms?: number;
  source?: "keyboard_shortcut" | "window_size";
}

/** What `POST …/integrity` answers (api/routers/integrity.py `IntegrityResult`). */
export interface IntegrityResult {
  stored: number;
  dropped: number;
  refused: { index: number; id: string | null; fields: { field: string; message: string }[] }[];
}

export type Verdict =
  | "accepted"
  | "wrong_answer"
  | "time_limit"
  | "memory_limit"
  | "output_limit"
  | "runtime_error"
  | "compile_error"
  | "internal_error";

export interface TestResult {
  id: string;
  verdict: Verdict;
  hidden: boolean;
  time_ms?: number | null;
  args?: unknown[] | null;
  expected?: unknown;
  actual?: unknown;
  message?: string | null;
  stdout?: string | null;
  stderr?: string | null;
}

export interface RunReport {
  verdict: Verdict;
  language: Language;
  mode: "run" | "submit";
  tests: TestResult[];
  passed: number;
  total: number;
  compile_output?: string;
  message?: string | null;
  timings?: { compile_ms: number; run_ms: number; total_ms: number };
  /** A custom-input run: `actual` is what the function returned; there are no expected values. */
  custom?: boolean;
  /** The stored run's id (api/run_flow.py): in a Run's, Submit's or custom input's answer and in the latest results. */
  submission_id?: string;
  /** Stored past the session's run report budget (docs/data-model.md) and read back (a reload): the visible tests'
   * `actual`, `stdout`, `stderr` (and a custom run's `args`) are null because they were not kept, each test's
   * message saying so; they are not what the code returned or printed. */
  values_omitted?: boolean;
}

/** The most code the API keeps or runs, in characters (code points, as Python counts them: api/routers/runs.py). */
export const MAX_CODE_CHARS = 200_000;

/** `code`'s length as the API counts it: code points, an astral character (an emoji) being one, not two. */
export function codeLength(code: string): number {
  let n = code.length;
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < code.length) {
      const d = code.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

/** A refused request: the HTTP status and the API's stable error code (`{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** How long the server asked the client to wait before trying again (its `Retry-After`), in ms; null: not said. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The server could not be reached at all (status 0). */
  get network(): boolean {
    return this.status === 0;
  }
}

/** The longest wait a `Retry-After` is followed for: a proxy's absurd value must not park the page for hours. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** A `Retry-After` header (delta-seconds or an HTTP date) as a wait in ms, bounded; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    if (!/^[A-Za-z]{3}, /.test(text)) return null; // an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"), not "-5"
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The wait a refusal asked for (429 or 503 with `Retry-After`), in ms; null for any other error. */
export function retryAfterMs(error: unknown): number | null {
  return error instanceof ApiError ? error.retryAfterMs : null;
}

/** A wait in words: "5 seconds", "1 minute", "3 minutes" (whole units, rounded up). */
export function waitWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = response.statusText || "Request failed.";
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON (a proxy's error page): keep the status line
  }
  // Only a "busy, come back" answer carries a wait worth following: 429 (a rate limit) and 503 (a dependency down).
  const busy = response.status === 429 || response.status === 503;
  const wait = busy ? parseRetryAfter(response.headers.get("Retry-After")) : null;
  return new ApiError(response.status, code, message, wait);
}

/** How long a request may go unanswered before the page treats it as a network failure (and says so, and retries
 * or offers Retry): a network that swallows requests (a captive portal, a dead link) would otherwise leave a spinner
 * for as long as the browser keeps the request open. Runs and Submits wait for the judge (its queue included). */
export const REQUEST_TIMEOUT_MS = 20_000;
export const RUN_TIMEOUT_MS = 180_000;

/** A request that failed without an answer: `timeout` when the page's own bound ran out (the server, or the judge
 * behind it, may still be at work), `network_error` otherwise. Both are status 0, treated as the network. */
function unanswered(signal: AbortSignal): ApiError {
  return signal.aborted
    ? new ApiError(0, "timeout", "The server did not answer in time.")
    : new ApiError(0, "network_error", "Could not reach the server.");
}

export class ApiClient {
  constructor(
    private readonly invite: string,
    private readonly baseUrl = "",
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
    private readonly clock: ServerClock = serverClock,
  ) {}

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    auth: boolean,
    timeoutMs = REQUEST_TIMEOUT_MS,
    keepalive = false,
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    // A `keepalive` body is sent only when it fits in what is left of the page's 64 KiB allowance
    // (web/src/leaving.ts); over it, the browser would refuse it, and it would take nothing from what fits.
    const reserved = keepalive ? bodyBytes(payload ?? "") : 0;
    if (keepalive && !reserveKeepalive(reserved))
      throw new ApiError(0, "keepalive_budget", "Too large to send as the page goes.");
    const headers: Record<string, string> = { ...extraHeaders };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth) headers.Authorization = `Bearer ${this.invite}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const sentAt = Date.now();
    try {
      let response: Response;
      try {
        response = await this.fetchImpl(this.baseUrl + path, {
          method,
          headers,
          body: payload,
          credentials: "omit",
          cache: "no-store",
          signal: abort.signal,
          keepalive, // outlives the page (a save sent as it unloads); the browser caps such bodies at 64 KiB
        });
      } catch {
        throw unanswered(abort.signal);
      }
      this.clock.observe(response.headers.get("Date"), sentAt, Date.now()); // the countdown is the server's
      if (!response.ok) throw await errorFrom(response);
      try {
        return (await response.json()) as T; // the body can stall too
      } catch {
        throw unanswered(abort.signal);
      }
    } finally {
      clearTimeout(timer);
      if (reserved > 0) releaseKeepalive(reserved);
    }
  }

  private session(sessionId: string, rest: string): string {
    return `/v1/sessions/${encodeURIComponent(sessionId)}/${rest}`;
  }

  join(): Promise<JoinResponse> {
    return this.request<JoinResponse>("POST", "/v1/join", { invite: this.invite }, false);
  }

  /** Agrees to `notice` as shown: the hash sent is the page's own of the HTML it rendered, so the server checks the
   * text on screen against the text in force, not a field the page only passed back. */
  async consent(sessionId: string, notice: NoticeView): Promise<{ notice_version: string; seq: number }> {
    return this.request(
      "POST",
      this.session(sessionId, "consent"),
      {
        notice_version: notice.version,
        notice_sha256: await shownDigest(notice),
        agreed: true,
      },
      true,
    );
  }

  /** `requestId`: the same for a retry of the same request, so one whose answer was lost is not stored twice. */
  requestAccommodation(
    sessionId: string,
    kind: "accommodation" | "human_interview",
    message: string | null,
    requestId: string,
  ): Promise<unknown> {
    const body = { kind, message, request_id: requestId };
    return this.request("POST", this.session(sessionId, "accommodation-requests"), body, true);
  }

  start(sessionId: string, mode: "voice" | "text"): Promise<JoinResponse> {
    return this.request<JoinResponse>("POST", this.session(sessionId, "start"), { mode }, true);
  }

  /** `code` null: none handed in; the API keeps the newest saved draft as the final code. */
  end(sessionId: string, code: string | null, language: Language | null): Promise<{ status: string }> {
    return this.request("POST", this.session(sessionId, "end"), { code, language }, true);
  }

  redispatchAgent(sessionId: string): Promise<{ dispatch_id: string }> {
    return this.request("POST", this.session(sessionId, "agent-dispatch"), undefined, true);
  }

  drafts(sessionId: string): Promise<DraftList> {
    return this.request<DraftList>("GET", this.session(sessionId, "drafts"), undefined, true);
  }

  /** `baseRevision`: the draft revision the code was edited from (0: none), so a stale tab's save is refused
   * (409 `draft_conflict`); undefined when not known (the latest save wins). */
  saveDraft(
    sessionId: string,
    language: Language,
    code: string,
    baseRevision?: number,
    keepalive = false,
  ): Promise<{ revision: number; updated_at: string }> {
    const body = baseRevision === undefined ? { code } : { code, base_revision: baseRevision };
    return this.request(
      "PUT",
      this.session(sessionId, `drafts/${language}`),
      body,
      true,
      REQUEST_TIMEOUT_MS,
      keepalive,
    );
  }

  /** `own`: the candidate's own runs only (and those not known to be anyone else's), so a follow of the page's
   * lost run finds it behind the interviewer's newer one. An API replica from before `by` ignores it and returns
   * everyone's: the caller still checks each report's `by`. `clientRunId`: the id the page gave a run, whose report
   * then comes back as `client_run` (ignored by a replica from before the ids). */
  results(sessionId: string, own = false, clientRunId?: string): Promise<LatestResults> {
    const query = new URLSearchParams();
    if (own) query.set("by", "candidate");
    if (clientRunId !== undefined) query.set("client_run_id", clientRunId);
    const search = query.toString();
    const path = this.session(sessionId, "results") + (search ? `?${search}` : "");
    return this.request<LatestResults>("GET", path, undefined, true);
  }

  /** Items the API cannot take come back in `refused` (their place, id and why); the rest are stored. */
  reportIntegrity(sessionId: string, events: IntegrityObservation[], keepalive = false): Promise<IntegrityResult> {
    // `keepalive`: sent as the page goes, to outlive it (web/src/integrity.ts, watchPage).
    return this.request("POST", this.session(sessionId, "integrity"), { events }, true, REQUEST_TIMEOUT_MS, keepalive);
  }

  /** `clientRunId`: the id the page gives this run (`CLIENT_RUN_HEADER`), to find its report if the answer is lost. */
  run(sessionId: string, language: Language, code: string, clientRunId?: string): Promise<RunReport> {
    return this.runRequest(this.session(sessionId, "runs"), { language, code }, clientRunId);
  }

  submit(sessionId: string, language: Language, code: string, clientRunId?: string): Promise<RunReport> {
    return this.runRequest(this.session(sessionId, "submissions"), { language, code }, clientRunId);
  }

  customRun(
    sessionId: string,
    language: Language,
    code: string,
    inputs: unknown[][],
    clientRunId?: string,
  ): Promise<RunReport> {
    return this.runRequest(this.session(sessionId, "custom-runs"), { language, code, inputs }, clientRunId);
  }

  private runRequest(path: string, body: unknown, clientRunId: string | undefined): Promise<RunReport> {
    const headers: Record<string, string> = clientRunId === undefined ? {} : { [CLIENT_RUN_HEADER]: clientRunId };
    return this.request<RunReport>("POST", path, body, true, RUN_TIMEOUT_MS, false, headers);
  }
}
