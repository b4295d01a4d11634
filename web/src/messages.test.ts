import { describe, expect, it } from "vitest";
import { ApiError, codeLength } from "./api";
import { alreadyOver, endedElsewhere, joinNotice, linkRefused, runNotice, stepFailure } from "./messages";

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
  it("adds who can help to a proxy's bare status line", () => {
    const notice = joinNotice(new ApiError(403, "http_403", "Forbidden"));
    expect(notice.title).toBe("This interview cannot be opened");
    expect(notice.detail).toBe("Forbidden. Contact your recruiter if this keeps happening.");
    expect(notice.retryable).toBe(false);
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
    expect(stepFailure(end, new ApiError(400, "bad", "Bad Request"))).toBe(`${end}: Bad Request. Try again.`);
    expect(stepFailure(end, new ApiError(400, "bad", "Nope."))).toBe(`${end}: Nope. Try again.`);
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
