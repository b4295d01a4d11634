// @vitest-environment node
// The consent's hash is the page's own, of the HTML it rendered: the API checks the text on screen against the text
// in force, not a field the page passed back (which a join could carry out of step with its HTML). Node's
// environment: Web Crypto's digest is there, as in the page's secure context (jsdom has none).
import { describe, expect, it } from "vitest";
import { ApiClient } from "./api";

describe("the consent's hash", () => {
  it("is the page's own SHA-256 of the HTML it showed, not the field the join sent beside it", async () => {
    const sent: unknown[] = [];
    const fetcher: typeof fetch = async (_input, init) => {
      sent.push(JSON.parse(init?.body as string));
      return new Response(JSON.stringify({ notice_version: "v3", seq: 1 }), {
        status: 201,
        headers: { "content-type": "application/json" },
      });
    };
    const shown = "<p>Acme Hiring records the transcript. 面接 — ١٢٣</p>";
    await new ApiClient("invite", "", fetcher).consent("s1", { version: "v3", sha256: "f".repeat(64), html: shown });
    // Python's hashlib.sha256(shown.encode("utf-8")).hexdigest(), as the API hashes the text it renders.
    const expected = "62d5fbcd5c0aea19eff6b28b455715aa146576dc769ba7315094f331caca0f2e";
    expect(sent).toEqual([{ notice_version: "v3", notice_sha256: expected, agreed: true }]);
  });
});
