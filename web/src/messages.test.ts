import { describe, expect, it } from "vitest";
import { ApiError, codeLength } from "./api";
import {
  alreadyOver,
  callRefused,
  endedElsewhere,
  inviteUnusable,
  joinNotice,
  linkRefused,
  refusalReason,
  runNotice,
  saveRefused,
  saveStopped,
  startNotice,
  stepFailure,
} from "./messages";

describe("join notices", () => {
  it.each([
    [401, "invalid_invite", "This interview link is not valid", false],
    [409, "session_finished", "This interview has already finished", false],
    [409, "session_cancelled", "This interview was cancelled", false],
    [410, "invite_expired", "This interview link has expired", false],
    [503, "db_unavailable", "The interview server had a problem", true],
    [0, "network_error", "We could not reach the interview server", true],
  ])("status %i (%s) -> %s", (status, code, title, retryable) => {
    const notice = joinNotice(new ApiError(status, code, "x"));
    expect(notice.title).toBe(title);
    expect(notice.retryable).toBe(retryable);
  });
});

describe("a refusal names a way forward", () => {
  it('says an erased session is gone and who to ask, not a bare "Session not found."', () => {
    const erased = new ApiError(404, "session_not_found", "Session not found.");
    expect(joinNotice(erased)).toEqual({
      title: "This interview is no longer available",
      detail: "Its record was removed. Contact your recruiter if you think this is a mistake.",
      retryable: false,
    });
    expect(endedElsewhere(erased)).toBe(
      "This interview is no longer available. Its record was removed. Contact your recruiter if you think this is a mistake.",
    );
  });
  it("says a proxy's refusal in its own words, with who can help, never its bare status line", () => {
    const notice = joinNotice(new ApiError(403, "http_403", "Forbidden"));
    expect(notice.title).toBe("This interview cannot be opened");
    expect(notice.detail).toBe(
      "The interview server refused this request. Contact your recruiter if this keeps happening.",
    );
    expect(notice.retryable).toBe(false);
  });
});

describe("an invite the join refuses as malformed or unknown", () => {
  const invalid = {
    title: "This interview link is not valid",
    detail:
      "Open the whole link from your invitation e-mail again. If it still does not open, ask the company that " +
      "invited you for a new link.",
    retryable: false,
  };
  it.each([
    [
      "too long (the API's validator)",
      new ApiError(422, "validation_error", "invite: String should have at most 512 characters"),
    ],
    ["a character no invite has", new ApiError(422, "validation_error", "invite: must not contain NUL (U+0000)")],
    ["unknown", new ApiError(401, "invalid_invite", "Invalid invite.")],
  ])("%s: says so with the next step, and is forgotten", (_why, error) => {
    expect(joinNotice(error)).toEqual(invalid);
    expect(inviteUnusable(error)).toBe(true);
  });

  it.each([
    [410, "invite_expired", "This interview link has expired", "Ask your recruiter for a new invitation."],
    [
      409,
      "session_finished",
      "This interview has already finished",
      "Thank you for your time. The link cannot be used again.",
    ],
  ])(
    "a valid invite that expired or ended keeps its own words (%i %s), and is forgotten",
    (status, code, title, detail) => {
      const error = new ApiError(status, code, "x");
      expect(joinNotice(error)).toEqual({ title, detail, retryable: false });
      expect(inviteUnusable(error)).toBe(true);
    },
  );

  it.each([
    ["a proxy's own 422 page", new ApiError(422, "http_422", "Unprocessable Entity")],
    ["a proxy's own 403 page", new ApiError(403, "http_403", "Forbidden")],
    ["a busy server", new ApiError(429, "credentials_busy", "x", 5000)],
    ["a failing server", new ApiError(503, "database_unavailable", "x")],
    ["no network", new ApiError(0, "network_error", "x")],
    ["not an API answer", new TypeError("Failed to fetch")],
  ])("%s says nothing of the invite: kept for a reload", (_why, error) => {
    expect(inviteUnusable(error)).toBe(false);
  });
});

describe("the page says every refusal in its own words", () => {
  const raw = "RAW: String should have at most 512 characters";
  const refusals = [
    new ApiError(400, "bad_request", raw),
    new ApiError(400, "http_400", raw),
    new ApiError(403, "text_only_not_allowed", raw),
    new ApiError(403, "http_403", raw),
    new ApiError(404, "not_found", raw),
    new ApiError(413, "payload_too_large", raw),
    new ApiError(422, "validation_error", raw),
    new ApiError(422, "invalid_input", raw),
    new ApiError(422, "http_422", raw),
    new ApiError(429, "rate_limited", raw),
    new ApiError(429, "run_in_progress", raw, 2000),
    new ApiError(409, "conflict", raw),
    new ApiError(502, "http_502", raw),
  ];
  const sayings: [string, (e: ApiError) => string][] = [
    ["joinNotice", (e) => `${joinNotice(e).title} ${joinNotice(e).detail}`],
    ["runNotice", runNotice],
    ["stepFailure", (e) => stepFailure("Your agreement was not saved", e)],
    ["callRefused", callRefused],
    ["startNotice", startNotice],
    ["refusalReason", refusalReason],
    ["saveRefused", saveRefused],
    ["saveStopped", saveStopped],
  ];
  it.each(sayings)("%s never shows the answer's message text", (_name, say) => {
    for (const error of refusals) {
      if (_name === "runNotice" && error.code === "invalid_input") continue; // the API's own sentence (below)
      const said = say(error);
      expect(said).not.toContain("RAW");
      expect(said).toMatch(/[.!?]$/);
    }
  });

  it("names what each code means", () => {
    expect(runNotice(new ApiError(422, "invalid_input", "Input 2: n must be a int."))).toBe(
      "Input 2: n must be a int.",
    );
    expect(refusalReason(new ApiError(422, "invalid_input", raw))).toBe(
      "A custom input does not match the function's parameters, or is too large.",
    );
    expect(runNotice(new ApiError(429, "run_in_progress", raw, 2000))).toBe(
      "Your previous run has not finished yet. Try again in 2 seconds.",
    );
    expect(startNotice(new ApiError(403, "text_only_not_allowed", raw))).toMatch(/^This interview is held by voice/);
    expect(saveRefused(new ApiError(413, "payload_too_large", raw))).toBe("Your code is too large to keep.");
    expect(saveStopped(new ApiError(409, "session_cancelled", raw))).toMatch(/^This interview was cancelled\./);
    expect(refusalReason({ status: 422, code: "validation_error" })).toBe(
      "The page sent something the interview server could not accept.",
    );
  });
});

describe("run notices", () => {
  it("never blames the candidate's code for our failures", () => {
    expect(runNotice(new ApiError(503, "judge_busy", "busy"))).toMatch(/busy/);
    expect(runNotice(new ApiError(503, "judge_unavailable", "x"))).toMatch(/not a problem with your code/);
    expect(runNotice(new ApiError(413, "code_too_large", "x"))).toMatch(/too large/);
    expect(runNotice(new ApiError(409, "session_finished", "x"))).toBe("This interview has already finished.");
    expect(runNotice(new ApiError(404, "session_not_found", "Session not found."))).toBe(
      "This interview is no longer available.",
    );
    expect(runNotice(new ApiError(503, "http_503", "Service Unavailable", 7000))).toBe(
      "Running code is unavailable right now (not a problem with your code). Try again in 7 seconds.",
    );
  });
});

describe("a refusal of the link itself, on any screen", () => {
  it.each([
    [401, "invalid_invite", "This interview link is not valid"],
    [404, "session_not_found", "This interview is no longer available"],
    [409, "session_cancelled", "This interview was cancelled"],
    [409, "session_finished", "This interview has already finished"],
    [409, "session_time_up", "This interview has already finished"],
    [410, "invite_expired", "This interview link has expired"],
    [410, "session_expired", "This interview link has expired"],
  ])("status %i (%s) leaves the page for a notice: %s", (status, code, title) => {
    expect(linkRefused(new ApiError(status, code, "x"))?.title).toBe(title);
  });

  it.each([
    [0, "network_error"],
    [503, "db_unavailable"],
    [429, "rate_limited"],
    [409, "notice_changed"],
    [409, "consent_required"],
    [403, "text_only_not_allowed"],
    [422, "validation_error"],
  ])("status %i (%s) is a problem of this step, said there", (status, code) => {
    expect(linkRefused(new ApiError(status, code, "x"))).toBeNull();
  });

  it("takes an interview already over for ended, not for an End to try again", () => {
    expect(alreadyOver(new ApiError(409, "session_finished", "x"))).toBe(true);
    expect(alreadyOver(new ApiError(409, "session_time_up", "x"))).toBe(true);
    expect(alreadyOver(new ApiError(409, "session_cancelled", "x"))).toBe(false);
    expect(alreadyOver(new ApiError(0, "network_error", "x"))).toBe(false);
  });
});

describe("code length as the API counts it", () => {
  it("counts an astral character (an emoji) once, as Python does, and a lone surrogate once", () => {
    expect(codeLength("a\u{1F600}b")).toBe(3);
    expect(codeLength("a\ud800b")).toBe(3);
    expect(codeLength("")).toBe(0);
  });
});

describe("a step that did not go through (the consent, End interview)", () => {
  const end = "The interview could not be ended";
  it("names the wait a busy server asked for, in sentences", () => {
    expect(stepFailure(end, new ApiError(503, "service_unavailable", "Service Unavailable", 4000))).toBe(
      "The interview could not be ended: The interview server had a problem. Try again in 4 seconds.",
    );
    expect(stepFailure(end, new ApiError(429, "rate_limited", "Too many requests", 61_000))).toBe(
      "The interview could not be ended: Too many attempts. Try again in 2 minutes.",
    );
  });
  it("never glues a proxy's bare status line to the next sentence", () => {
    const said = stepFailure("Your agreement was not saved", new ApiError(500, "http_500", "Internal Server Error"));
    expect(said).toBe("Your agreement was not saved: The interview server had a problem. Try again.");
    expect(stepFailure(end, new ApiError(400, "http_400", "Bad Request"))).toBe(
      `${end}: The interview server refused this request. Try again.`,
    );
  });
  it("says the network, not a status, when nothing answered", () => {
    expect(stepFailure(end, new ApiError(0, "network_error", "Could not reach the server."))).toBe(
      `${end}: We could not reach the interview server. Try again.`,
    );
    expect(stepFailure(end, new TypeError("Failed to fetch"))).toBe(
      `${end}: We could not reach the interview server. Try again.`,
    );
  });
});
