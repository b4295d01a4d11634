import { describe, expect, it } from "vitest";
import { editorGetReply, parseInterviewEvent, RPC_REPLY_MAX_BYTES, snapshotAttributes } from "./protocol";

const snap = (code: string) => ({ code, language: "python" as const, version: 7, cursor: "3:5" });

describe("editor.get reply", () => {
  it("carries the code inline when it fits", () => {
    const { payload, mustPush } = editorGetReply(snap("def f():\n    return 1\n"));
    expect(mustPush).toBe(false);
    expect(JSON.parse(payload)).toEqual({
      version: 7,
      language: "python",
      cursor: "3:5",
      code: "def f():\n    return 1\n",
    });
  });

  it("leaves the code out (and asks for a push) when the reply would exceed the RPC budget, counting UTF-8 bytes", () => {
    const wide = "é".repeat(RPC_REPLY_MAX_BYTES / 2); // fits in characters, not in bytes
    const { payload, mustPush } = editorGetReply(snap(wide));
    expect(mustPush).toBe(true);
    expect(JSON.parse(payload)).toEqual({ version: 7, language: "python", cursor: "3:5", code: null });
    expect(new TextEncoder().encode(payload).length).toBeLessThan(RPC_REPLY_MAX_BYTES);
  });

  it("snapshot attributes are strings", () => {
    expect(snapshotAttributes(snap("x"))).toEqual({ version: "7", language: "python", cursor: "3:5" });
  });
});

describe("interview.event parsing", () => {
  it("accepts objects with a string type and drops anything else", () => {
    expect(parseInterviewEvent('{"type":"hint","index":1,"total":3}')).toEqual({ type: "hint", index: 1, total: 3 });
    expect(parseInterviewEvent("not json")).toBeNull();
    expect(parseInterviewEvent('["type"]')).toBeNull();
    expect(parseInterviewEvent('{"type":3}')).toBeNull();
  });
});
