// What the candidate is told when the API refuses: one sentence they can act on, keyed by status and error code.
import { ApiError, codeLength, MAX_CODE_CHARS, waitWords } from "./api";

/** When to try again: the wait the server named (`Retry-After` on a 429 or 503), else "in a moment". */
function later(error: ApiError): string {
  return error.retryAfterMs !== null ? `in ${waitWords(error.retryAfterMs)}` : "in a moment";
}

export interface Notice {
  title: string;
  detail: string;
  /** Retrying the same request may work (network trouble, a busy judge); otherwise the link itself is the problem. */
  retryable: boolean;
}

export const NO_INVITE: Notice = {
  title: "This page needs your interview link",
  detail: "Open the link from your invitation e-mail. It ends with #invite=…",
  retryable: false,
};

/** Why the interview page cannot open (POST /v1/join failed). */
export function joinNotice(error: unknown): Notice {
  if (!(error instanceof ApiError) || error.network) {
    return {
      title: "We could not reach the interview server",
      detail: "Check your connection and try again.",
      retryable: true,
    };
  }
  switch (error.status) {
    case 401:
      return {
        title: "This interview link is not valid",
        detail: "Check that you opened the whole link from your invitation, or ask your recruiter for a new one.",
        retryable: false,
      };
    case 409:
      return error.code === "session_cancelled"
        ? {
            title: "This interview was cancelled",
            detail: "Your recruiter cancelled this session. Contact them if you think this is a mistake.",
            retryable: false,
          }
        : {
            title: "This interview has already finished",
            detail: "Thank you for your time. The link cannot be used again.",
            retryable: false,
          };
    case 410:
      return {
        title: "This interview link has expired",
        detail: "Ask your recruiter for a new invitation.",
        retryable: false,
      };
    case 429:
      return { title: "Too many attempts", detail: `Please wait, then try again ${later(error)}.`, retryable: true };
    case 404:
      // The session behind the link was erased (its record removed) while the page was open: "Session not found."
      // alone said nothing the candidate could act on, and "cannot be opened" was wrong over an open interview.
      if (error.code === "session_not_found")
        return {
          title: "This interview is no longer available",
          detail: "Its record was removed. Contact your recruiter if you think this is a mistake.",
          retryable: false,
        };
      break;
  }
  if (error.status >= 500)
    return { title: "The interview server had a problem", detail: `Try again ${later(error)}.`, retryable: true };
  // Any other refusal (a proxy's bare "Forbidden" or "Not Found" too): the reason, and who can help.
  return {
    title: "This interview cannot be opened",
    detail: `${sentence(error.message)} Contact your recruiter if this keeps happening.`,
    retryable: false,
  };
}

/** Why a Run or Submit did not produce a report. */
export function runNotice(error: unknown): string {
  if (error instanceof ApiError && error.code === "timeout")
    return "No answer within 3 minutes: the code runner may be busy (not a problem with your code). Your code is safe here; try again.";
  if (!(error instanceof ApiError) || error.network)
    return "Could not reach the server. Your code is safe here; try again.";
  if (error.code === "judge_busy") return `The code runner is busy. Try again ${later(error)}.`;
  if (error.status === 429) return `${error.message} Try again ${later(error)}.`;
  if (error.code === "code_too_large" || error.status === 413) return "Your code is too large to run.";
  if (error.code === "session_not_started") return "The interview has not started yet.";
  if (error.code === "session_time_up") return "The time for this interview is over; your last saved code is kept.";
  if (error.code === "already_submitted") return "Your final answer is already submitted.";
  if (error.code === "invalid_input") return error.message;
  if (error.status === 401 || error.status === 409 || error.status === 410 || error.code === "session_not_found")
    return joinNotice(error).title + ".";
  if (error.status >= 500) {
    const when = error.retryAfterMs === null ? "" : ` ${later(error)}`; // a busy proxy's wait, which Run keeps
    return `Running code is unavailable right now (not a problem with your code). Try again${when}.`;
  }
  return error.message;
}

/** `text` ending as a sentence does (a status line such as "Service Unavailable" has no full stop). */
function sentence(text: string): string {
  const t = text.trim() || "Request failed.";
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/**
 * Why a step the candidate took did not go through (agreeing to the notice, ending the interview), as
 * "`what`: reason. Try again in 4 seconds.": the network named as such, a busy or failing server in the page's own
 * words (never a proxy's bare status line glued to the next sentence), and the wait a 429 or 503 named with
 * `Retry-After`, which the step's button is held for (`retryAfterMs`).
 */
export function stepFailure(what: string, error: unknown): string {
  let reason: string;
  if (!(error instanceof ApiError) || error.network) reason = "We could not reach the interview server.";
  // A replica of the release a deploy replaces, asked to take a newer release's notice: nothing is wrong.
  else if (error.code === "notice_updating") reason = "The interview service is being updated.";
  else if (error.status === 429 || error.status >= 500) reason = `${joinNotice(error).title}.`;
  else reason = sentence(error.message);
  const wait = error instanceof ApiError ? error.retryAfterMs : null;
  return `${what}: ${reason} Try again${wait === null ? "" : ` in ${waitWords(wait)}`}.`;
}

/** Why the call could not get its room (the join for a fresh room token refused), in the page's own sentences: a
 * proxy's bare status line ("Bad Gateway") was shown as the reason, run into the next sentence ("…press Retry"),
 * and a busy server's wait was never said, so Retry pressed at once was refused again. */
export function callRefused(error: ApiError): string {
  if (error.network) return "We could not reach the interview server.";
  const wait = error.retryAfterMs !== null && error.retryAfterMs > 0 ? ` Wait ${waitWords(error.retryAfterMs)}.` : "";
  if (error.status === 429 || error.status >= 500) return `${joinNotice(error).title}.${wait}`;
  if (linkRefused(error)) return `${joinNotice(error).title}.`;
  return sentence(error.message);
}

/** Why the interview could not start (POST start refused). */
export function startNotice(error: unknown): string {
  if (!(error instanceof ApiError) || error.network)
    return "We could not reach the server. Check your connection and try again.";
  if (error.code === "consent_required") return "Agree to the notice first.";
  if (error.code === "text_only_not_allowed") return error.message;
  if (error.status === 429 || error.status >= 500) return `${joinNotice(error).title}. Try again ${later(error)}.`;
  return joinNotice(error).title + ".";
}

/** Refusals that mean the link itself can no longer be used, whatever the request: invalid, expired, erased,
 * cancelled or over. */
const LINK_REFUSALS = new Set([
  "invalid_invite",
  "invite_expired",
  "session_expired",
  "session_not_found",
  "session_cancelled",
  "session_finished",
  "session_time_up",
]);

/** The notice to leave for when a step before the interview (consent, the start) is refused because the link can no
 * longer be used: saying "try again" under its button would have the candidate retry what cannot work. Null for a
 * problem of the step itself (the network, a busy server, a changed notice), said where it happened. */
export function linkRefused(error: unknown): Notice | null {
  if (!(error instanceof ApiError) || error.network || !LINK_REFUSALS.has(error.code)) return null;
  return joinNotice(error);
}

/** Why the interview is over, said over the code when the page learns it while the interview runs (the session
 * watch): cancelled, ended elsewhere, its time and grace spent, the link expired or erased. */
export function endedElsewhere(error: ApiError): string {
  if (error.code === "session_time_up") return "The interview's time is up.";
  const notice = joinNotice(error);
  return `${notice.title}. ${notice.detail}`;
}

/** An End interview refused because the interview is over already (ended elsewhere, its time and grace spent):
 * the outcome the candidate asked for, not a failure to try again. */
export function alreadyOver(error: unknown): boolean {
  return error instanceof ApiError && (error.code === "session_finished" || error.code === "session_time_up");
}

/** What to say of `code` when it is longer than the API keeps or runs; null when it is not. */
export function tooLongToKeep(code: string): string | null {
  if (code.length <= MAX_CODE_CHARS) return null; // never more code points than UTF-16 units
  const length = codeLength(code);
  return length > MAX_CODE_CHARS ? codeTooLong(length) : null;
}

/** Code longer than the API keeps or runs (a huge paste), in words the candidate can act on. */
export function codeTooLong(length: number): string {
  return (
    `Your code is ${length.toLocaleString("en")} characters; an interview keeps and runs at most ` +
    `${MAX_CODE_CHARS.toLocaleString("en")} characters. Shorten it (a large paste?) and it is saved and runs again.`
  );
}
