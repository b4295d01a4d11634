import { describe, expect, it } from "vitest";
import { type ApiClient, ApiError } from "./api";
import { completeInterview, finalCodeWords } from "./ending";

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

describe("what End interview's confirmation says is kept", () => {
  const plain = { answered: false, stale: false, tooLong: false, language: null };

  it("is the current code only when the current code is what the API keeps", () => {
    expect(finalCodeWords(plain)).toBe("Your current code is kept as your final code.");
    expect(finalCodeWords({ ...plain, language: "Python" })).toContain("current Python code is kept");
    for (const state of [{ stale: true }, { tooLong: true }, { answered: true }, { answered: true, stale: true }]) {
      expect(finalCodeWords({ ...plain, ...state }), JSON.stringify(state)).not.toContain("current");
    }
  });

  it("says the code saved last is kept in a tab whose code another tab replaced", () => {
    const words = finalCodeWords({ ...plain, stale: true, language: "Python" });
    expect(words).toContain("changed in another tab or window");
    expect(words).toContain("the code saved last is kept as your final code, not the code in this tab");
  });

  it("says the submitted answer stays final once a final answer locked the code", () => {
    expect(finalCodeWords({ ...plain, answered: true, tooLong: true })).toBe(
      "Your submitted answer stays your final code.",
    );
  });
});
