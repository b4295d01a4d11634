import { describe, expect, it } from "vitest";
import { loadingWords, readJson } from "./download";

/** A response whose body arrives in `pieces`. */
function arriving(pieces: Uint8Array[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

describe("the timeline as it arrives", () => {
  it("says how much has arrived, piece by piece, and parses the whole body", async () => {
    // A long interview's timeline: 1.2 MB of snapshots, one of them with a character split between two pieces.
    const events = Array.from({ length: 12 }, (_, n) => ({
      seq: n,
      type: "editor_snapshot",
      code: "x".repeat(100_000),
    }));
    events[3].code = "é".repeat(50_000);
    const bytes = new TextEncoder().encode(JSON.stringify({ session: { id: "ses_1" }, events }));
    const size = 64 * 1024 + 1; // an odd size: some piece ends inside a two-byte "é"
    const pieces: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));

    const seen: number[] = [];
    const parsed = (await readJson(arriving(pieces), (n) => seen.push(n))) as { events: { code: string }[] };

    expect(seen).toHaveLength(pieces.length);
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(parsed.events).toHaveLength(12);
    expect(parsed.events[3].code).toBe("é".repeat(50_000));
    // What the status line said along the way: whole megabytes, each once.
    const said = [...new Set(seen.map(loadingWords))];
    expect(said).toEqual(["Loading the replay…", "Loading the replay… 1 MB received"]);
  });

  it("fails when the body stops arriving part way, after saying what had arrived", async () => {
    // A dropped connection or a proxy's reset mid-body: the read rejects, and the replay says it could not be loaded.
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(new TextEncoder().encode('{"events":['));
        else controller.error(new TypeError("network error"));
      },
    });
    const seen: number[] = [];
    await expect(readJson(new Response(body), (n) => seen.push(n))).rejects.toThrow("network error");
    expect(seen).toEqual([11]);
  });

  it("refuses a body that is not JSON, as the replay's failure says", async () => {
    await expect(readJson(arriving([new TextEncoder().encode("<html>")]), () => undefined)).rejects.toThrow();
  });
});
