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

/** The page's own sentence for each error code the candidate's routes answer with. What the API's message says is
 * never shown: it can be a validator's wording ("invite: String should have at most 512 characters") or, from a
 * proxy in front of the API, a bare status line ("Forbidden"). */
const OWN_WORDS: Readonly<Record<string, string>> = {
  validation_error: "The page sent something the interview server could not accept.",
  bad_request: "The page sent something the interview server could not accept.",
  http_error: "The page sent something the interview server could not accept.",
  duplicate_json_key: "The page sent something the interview server could not accept.",
  unsupported_media_type: "The page sent something the interview server could not accept.",
  unprocessable: "The page sent something the interview server could not accept.",
  payload_too_large: "What the page sent is too large for the interview server.",
  code_too_large: "Your code is too large to run.",
  invalid_input: "A custom input does not match the function's parameters, or is too large.",
  unsupported_language: "This interview does not use that language.",
  run_in_progress: "Your previous run has not finished yet.",
  rate_limited: "Too many attempts.",
  credentials_busy: "Too many attempts.",
  text_only_not_allowed: "This interview is held by voice: start it with your microphone, or request an accommodation.",
  session_not_started: "The interview has not started yet.",
  already_submitted: "Your final answer is already submitted.",
  consent_required: "Agree to the notice first.",
  notice_changed: "The notice changed; read it again.",
  unknown_notice: "The notice changed; read it again.",
  notice_updating: "The interview service is being updated.",
  draft_conflict: "Newer code was saved in another tab or on another device.",
  session_record_full: "The interview's record is full.",
  idempotency_key_reused: "This request was already sent with other details.",
  interviewer_present: "The interviewer is already in the interview.",
  room_mismatch: "This interview link does not open that call.",
  judge_busy: "The code runner is busy.",
  judge_unavailable: "Running code is unavailable right now (not a problem with your code).",
  livekit_unavailable: "The call service could not be reached.",
};

/** `error` as a refusal with a status and an error code (an `ApiError`, or an error carrying both); null for
 * anything else (nothing answered). */
function refusal(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  const { status, code } = (error ?? {}) as { status?: unknown; code?: unknown };
  return typeof status === "number" && typeof code === "string" ? new ApiError(status, code, "") : null;
}

/** Why a request was refused, as one sentence of the page's own, chosen by error code, then by status: never the
 * answer's message text. */
export function refusalReason(error: unknown): string {
  const refused = refusal(error);
  if (refused === null || refused.network) return "We could not reach the interview server.";
  const own = OWN_WORDS[refused.code];
  if (own) return own;
  if (LINK_REFUSALS.has(refused.code)) return `${joinNotice(refused).title}.`;
  if (refused.status === 429) return "Too many attempts.";
  if (refused.status === 413) return OWN_WORDS.payload_too_large;
  if (refused.status >= 500) return "The interview server had a problem.";
  return "The interview server refused this request.";
}

const INVALID_LINK: Notice = {
  title: "This interview link is not valid",
  detail:
    "Open the whole link from your invitation e-mail again. If it still does not open, ask the company that " +
    "invited you for a new link.",
  retryable: false,
};

/** The join refused the invite itself as malformed (422 from the API, whose join takes the invite alone: too long, or
 * a NUL) or unknown (401 `invalid_invite`). A proxy's own 422 (`http_422`: not the API's answer) says nothing of
 * the invite. */
function inviteMalformed(error: ApiError): boolean {
  return error.code === "invalid_invite" || (error.status === 422 && error.code !== "http_422");
}

/** Whether the page should forget the invite after the join refused it: the link cannot be used now or later
 * (malformed, unknown, expired, cancelled, over, erased), so a reload must not send it again. */
export function inviteUnusable(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.network) return false;
  return inviteMalformed(error) || LINK_REFUSALS.has(error.code);
}

/** Why the interview page cannot open (POST /v1/join failed). */
export function joinNotice(error: unknown): Notice {
  if (!(error instanceof ApiError) || error.network) {
    return {
      title: "We could not reach the interview server",
      detail: "Check your connection and try again.",
      retryable: true,
    };
  }
  if (inviteMalformed(error)) return INVALID_LINK;
  switch (error.status) {
    case 401:
      return INVALID_LINK;
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
    detail: `${refusalReason(error)} Contact your recruiter if this keeps happening.`,
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
  if (error.status === 429) return `${refusalReason(error)} Try again ${later(error)}.`;
  if (error.code === "code_too_large" || error.status === 413) return "Your code is too large to run.";
  if (error.code === "session_not_started") return "The interview has not started yet.";
  if (error.code === "session_time_up") return "The time for this interview is over; your last saved code is kept.";
  if (error.code === "already_submitted") return "Your final answer is already submitted.";
  // The one message the page shows as the API wrote it: api/custom_input.py writes it for the candidate, naming the
  // input and the parameter that does not fit ("Input 2: n must be a int."), which the page cannot tell itself.
  if (error.code === "invalid_input" && error.message.trim()) return error.message.trim();
  if (error.status === 401 || error.status === 409 || error.status === 410 || error.code === "session_not_found")
    return joinNotice(error).title + ".";
  if (error.status >= 500) {
    const when = error.retryAfterMs === null ? "" : ` ${later(error)}`; // a busy proxy's wait, which Run keeps
    return `Running code is unavailable right now (not a problem with your code). Try again${when}.`;
  }
  return refusalReason(error);
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
  else reason = refusalReason(error);
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
  return refusalReason(error);
}

/** Why the interview could not start (POST start refused). */
export function startNotice(error: unknown): string {
  if (!(error instanceof ApiError) || error.network)
    return "We could not reach the server. Check your connection and try again.";
  if (error.code === "consent_required") return "Agree to the notice first.";
  if (error.code === "text_only_not_allowed") return refusalReason(error);
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

/** Why the autosave cannot store this code as it is (a draft save refused 413 or 422), as a sentence. */
export function saveRefused(error: unknown): string {
  const refused = refusal(error);
  const large = refused?.status === 413 || refused?.code === "code_too_large";
  return large ? "Your code is too large to keep." : "The interview server cannot keep this code as it is.";
}

/** Why saving stopped for good (a draft save refused 401, 409 or 410: the interview is over for the server). */
export function saveStopped(error: unknown): string {
  const refused = refusal(error);
  return refused === null ? "The interview has ended." : endedElsewhere(refused);
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
