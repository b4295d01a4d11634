import { describe, expect, it } from "vitest";
import { ApiError } from "./api";
import { joinNotice, runNotice } from "./messages";

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

describe("run notices", () => {
  it("never blames the candidate's code for our failures", () => {
    expect(runNotice(new ApiError(503, "judge_busy", "busy"))).toMatch(/busy/);
    expect(runNotice(new ApiError(503, "judge_unavailable", "x"))).toMatch(/not a problem with your code/);
    expect(runNotice(new ApiError(413, "code_too_large", "x"))).toMatch(/too large/);
    expect(runNotice(new ApiError(409, "session_finished", "x"))).toBe("This interview has already finished.");
  });
});
