// The candidate's HTTP API (see api/routers/join.py and runs.py): join with the invite, run and submit code.

export type Language = "python" | "javascript" | "java" | "cpp";
export const LANGUAGES: readonly Language[] = ["python", "javascript", "java", "cpp"];

export interface SessionView {
  id: string;
  status: "scheduled" | "in_progress" | "completed" | "abandoned" | "cancelled";
  language: Language;
  duration_minutes: number;
  started_at: string | null;
  ends_at: string | null;
  practice: boolean;
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

export interface JoinResponse {
  server_url: string;
  participant_token: string;
  room_name: string;
  participant_name: string;
  participant_identity: string;
  session: SessionView;
  question: Question;
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
}

/** A refused request: the HTTP status and the API's stable error code (`{"error": {"code", "message"}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The server could not be reached at all (status 0). */
  get network(): boolean {
    return this.status === 0;
  }
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
  return new ApiError(response.status, code, message);
}

export class ApiClient {
  constructor(
    private readonly invite: string,
    private readonly baseUrl = "",
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {}

  private async post<T>(path: string, body: unknown, auth: boolean): Promise<T> {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (auth) headers.Authorization = `Bearer ${this.invite}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError(0, "network_error", "Could not reach the server.");
    }
    if (!response.ok) throw await errorFrom(response);
    return (await response.json()) as T;
  }

  join(): Promise<JoinResponse> {
    return this.post<JoinResponse>("/v1/join", { invite: this.invite }, false);
  }

  run(sessionId: string, language: Language, code: string): Promise<RunReport> {
    return this.post<RunReport>(`/v1/sessions/${encodeURIComponent(sessionId)}/runs`, { language, code }, true);
  }

  submit(sessionId: string, language: Language, code: string): Promise<RunReport> {
    return this.post<RunReport>(
      `/v1/sessions/${encodeURIComponent(sessionId)}/submissions`,
      { language, code },
      true,
    );
  }
}
