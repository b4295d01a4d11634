import { describe, expect, it } from "vitest";
import { type ApiClient, ApiError } from "./api";
import { completeInterview } from "./ending";

function api(refuse: (code: string | null) => ApiError | null) {
  const calls: [string | null, string | null][] = [];
  const client = {
    end: async (_id: string, code: string | null, language: string | null) => {
      calls.push([code, language]);
      const error = refuse(code);
      if (error) throw error;
      return { status: "completed" };
    },
  } as unknown as ApiClient;
  return { client, calls };
}

describe("End interview and the code it hands in", () => {
  it("completes with no code (the newest saved draft) when the API cannot keep the editor's code as it is", async () => {
    // A lone surrogate (from a crafted clipboard) is refused on every try: End must not stall on it.
    const { client, calls } = api((code) =>
      code === null ? null : new ApiError(422, "validation_error", "code: cannot be stored"),
    );
    await completeInterview(client, "s1", "x = '\ud800'", "python");
    expect(calls).toEqual([
      ["x = '\ud800'", "python"],
      [null, null],
    ]);
  });

  it("passes any other failure on, for the page to say and the candidate to retry", async () => {
    const { client, calls } = api(() => new ApiError(503, "db_unavailable", "busy"));
    await expect(completeInterview(client, "s1", "code", "python")).rejects.toMatchObject({ status: 503 });
    expect(calls).toEqual([["code", "python"]]);
  });
});
