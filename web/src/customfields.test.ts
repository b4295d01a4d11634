// @vitest-environment jsdom
// The custom-input fields: what they start from (an example that fits whole, or nothing and the type's example),
// what the candidate typed given back after a reload, and a field that is not JSON said and marked.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ApiClient, JoinResponse } from "./api";
import { closeWorkspaces, fakeApi, joined, openWorkspace, pageBody } from "./testing/workspaces";

afterEach(closeWorkspaces); // test files share a document: no workspace outlives its test

describe("custom input across a reload", () => {
  it("keeps the arguments the candidate typed, per interview", async () => {
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
    } as unknown as ApiClient;
    const withParams = (id: string) =>
      ({
        ...joined,
        session: { ...joined.session, id },
        question: {
          ...joined.question,
          signature: {
            params: [
              { name: "nums", type: "list[int]" },
              { name: "target", type: "int" },
            ],
          },
          visible_tests: [{ id: "t1", args: [[1, 2], 3], expected: [0, 1] }],
        },
      }) as unknown as JoinResponse;
    document.body.innerHTML = pageBody;
    openWorkspace(api, withParams("s-typed"));
    const typed = document.getElementById("custom-arg-0") as HTMLInputElement;
    typed.value = "[5, 6, 7, 8]";
    typed.dispatchEvent(new Event("input", { bubbles: true }));

    document.body.innerHTML = pageBody; // the reload: a new page, the same tab
    openWorkspace(api, withParams("s-typed"));
    expect((document.getElementById("custom-arg-0") as HTMLInputElement).value).toBe("[5, 6, 7, 8]");
    expect((document.getElementById("custom-arg-1") as HTMLInputElement).value).toBe("3"); // untouched: the example

    document.body.innerHTML = pageBody;
    openWorkspace(api, withParams("s-other")); // another interview starts from its own example
    expect((document.getElementById("custom-arg-0") as HTMLInputElement).value).toBe("[1,2]");
  });
});

describe("custom input's first arguments", () => {
  const api = {
    drafts: async () => ({ drafts: {}, submitted: false }),
    results: async () => ({ run: null, submit: null }),
    saveDraft: async () => ({ revision: 1 }),
  } as unknown as ApiClient;
  const withExamples = (id: string, tests: { args: unknown[] }[]) =>
    ({
      ...joined,
      session: { ...joined.session, id },
      question: {
        ...joined.question,
        signature: {
          params: [
            { name: "nums", type: "int[]" },
            { name: "target", type: "int" },
          ],
        },
        visible_tests: tests.map((t, i) => ({ id: `t${i}`, expected: 0, ...t })),
      },
    }) as unknown as JoinResponse;
  const values = () =>
    [0, 1].map((i) => document.getElementById(`custom-arg-${i}`) as HTMLInputElement).map((input) => input.value);
  const large = Array.from({ length: 4000 }, (_, i) => i * 1000); // about 20,000 characters of JSON

  it("come from an example small enough to copy whole, as valid JSON", () => {
    document.body.innerHTML = pageBody;
    openWorkspace(api, withExamples("s-large-first", [{ args: [large, 7] }, { args: [[2, 7, 11], 9] }]));
    expect(values()).toEqual(["[2,7,11]", "9"]); // the whole second example, not the first cut short
    for (const value of values()) expect(() => JSON.parse(value) as unknown).not.toThrow();
  });

  it("are left empty, saying what to type, when every example is too large to copy", () => {
    document.body.innerHTML = pageBody;
    openWorkspace(api, withExamples("s-large-only", [{ args: [large, 7] }]));
    expect(values()).toEqual(["", ""]); // never half of one: an example cut short is not JSON
    const placeholders = [0, 1].map((i) => document.getElementById(`custom-arg-${i}`)?.getAttribute("placeholder"));
    expect(placeholders).toEqual(["for example [1, 2, 3]", "for example 7"]);
    expect(document.getElementById("custom")?.textContent).toContain("too large to copy here");
  });
});

describe("a custom input that is not JSON", () => {
  it("is said under the fields, and its field marked invalid and focused until it is corrected", async () => {
    document.body.innerHTML = pageBody;
    const sent: unknown[] = [];
    const api = {
      drafts: async () => ({ drafts: {}, submitted: false }),
      results: async () => ({ run: null, submit: null }),
      saveDraft: async () => ({ revision: 1 }),
      customRun: async (_s: string, _l: string, _c: string, inputs: unknown[]) => {
        sent.push(...inputs);
        return { verdict: "accepted", language: "python", mode: "run", custom: true, tests: [], passed: 0, total: 0 };
      },
    } as unknown as ApiClient;
    const question = {
      ...joined.question,
      signature: { params: [{ name: "target", type: "int" }] },
      visible_tests: [{ id: "t1", args: [3], expected: 0 }],
    };
    const workspace = openWorkspace(api, { ...joined, question } as unknown as JoinResponse);
    await workspace.resume();
    const field = document.getElementById("custom-arg-0") as HTMLInputElement;
    field.value = "seven";
    document.getElementById("custom-run")?.click();
    const error = document.getElementById("custom-error");
    expect(error?.textContent).toBe("target is not valid JSON (for example 7).");
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toBe("custom-error"); // a screen reader reads why with the field
    expect(document.activeElement).toBe(field);
    expect(sent).toEqual([]);
    field.value = "7";
    document.getElementById("custom-run")?.click();
    await vi.waitUntil(() => sent.length === 1);
    expect(sent).toEqual([[7]]);
    expect(field.hasAttribute("aria-invalid")).toBe(false);
    expect(error?.textContent).toBe("");
  });

  it("is read out once: with its field as focus moves there, by the live region only when that field had focus", () => {
    document.body.innerHTML = pageBody;
    const question = { ...joined.question, signature: { params: [{ name: "target", type: "int" }] } };
    openWorkspace(fakeApi(), { ...joined, question } as unknown as JoinResponse);
    const field = document.getElementById("custom-arg-0") as HTMLInputElement;
    const button = document.getElementById("custom-run") as HTMLButtonElement;
    const heard = () => [...(document.getElementById("announcer")?.children ?? [])].map((p) => p.textContent);
    const said = "target is not valid JSON (for example 7).";
    field.value = "seven";
    button.focus();
    button.click(); // focus moves to the field, read with its description
    expect(document.activeElement).toBe(field);
    expect(field.getAttribute("aria-describedby")).toBe("custom-error");
    expect(document.getElementById("custom-error")?.textContent).toBe(said);
    expect(heard()).not.toContain(said);
    // Enter pressed in the field: focus stays, so nothing would say it but the live region.
    (document.getElementById("custom-form") as HTMLFormElement).requestSubmit();
    expect(document.activeElement).toBe(field);
    expect(heard()).toEqual([said]);
  });
});
