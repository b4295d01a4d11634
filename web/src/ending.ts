// Completing the session from End interview, with the editor's code as the final code.
import { type ApiClient, ApiError, type Language } from "./api";

/**
 * `POST …/end` with `code` (null: none, the newest saved draft is final). When the API refuses that code as it is
 * (413 or 422: over its size, a character it cannot keep, a language the interview does not use), the same request
 * would be refused on every try, and End interview would never end: it completes with no code instead, so the
 * newest saved draft is the final code. Any other failure is passed on (the page says it; Try again may work).
 */
export async function completeInterview(
  api: Pick<ApiClient, "end">,
  sessionId: string,
  code: string | null,
  language: Language | null,
): Promise<void> {
  try {
    await api.end(sessionId, code, code === null ? null : language);
  } catch (error) {
    const refusedCode = error instanceof ApiError && (error.status === 413 || error.status === 422);
    if (code === null || !refusedCode) throw error;
    await api.end(sessionId, null, null);
  }
}
