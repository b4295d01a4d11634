// Completing the session from End interview, with the editor's code as the final code, and what its confirmation
// says of the code that is kept.
import { type ApiClient, ApiError, type Language } from "./api";

/** What decides the code End interview keeps (web/src/workspace.ts `finalWords`). */
export interface FinalCodeState {
  /** A final answer locked the code (no resubmission): the API keeps that answer, whatever End hands in. */
  answered: boolean;
  /** Another tab or device saved newer code since this tab's: End hands in none, the code saved last is kept. */
  stale: boolean;
  /** The editor's code is longer than the API keeps: End hands in none, the code saved last is kept. */
  tooLong: boolean;
  /** The editor's language, named when the interview has several (only its code is handed in); null otherwise. */
  language: string | null;
}

/** The sentence of End interview's confirmation saying which code is kept as the final code: true of what the API
 * keeps (api/db/sessions_repo.py `mark_completed`). "Your current code is kept" was said in a tab whose code another
 * tab had replaced, where the code saved last (the other tab's) is kept instead. */
export function finalCodeWords(state: FinalCodeState): string {
  if (state.answered) return "Your submitted answer stays your final code.";
  if (state.stale)
    return (
      "This tab's code is not your newest: it was changed in another tab or window, so the code saved last is " +
      "kept as your final code, not the code in this tab."
    );
  if (state.tooLong)
    return "Your code here is longer than an interview keeps, so the code saved last is kept as your final code.";
  if (state.language)
    return `Your current ${state.language} code is kept as your final code (your code in other languages is not).`;
  return "Your current code is kept as your final code.";
}

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
