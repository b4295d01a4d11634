// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { pasteTooLong, refuseOverlong } from "./fieldbound";
import { pasteInto } from "./testing/clipboard";

function field(max: number, value = "", tag: "textarea" | "input" = "textarea") {
  const el = document.createElement(tag);
  el.maxLength = max;
  el.value = value;
  document.body.replaceChildren(el);
  const said: string[] = [];
  refuseOverlong(el, (m) => said.push(m));
  return { el, said };
}

describe("a bounded field", () => {
  it("refuses a paste its maxlength would cut, says so, and keeps what was typed", () => {
    const { el, said } = field(4_000, "Here is my idea: ");
    el.setSelectionRange(el.value.length, el.value.length);
    expect(pasteInto(el, "x".repeat(5_000_000))).toBe(true); // megabytes: refused, never cut silently
    expect(el.value).toBe("Here is my idea: ");
    expect(said).toEqual([
      "Not added: that text is 5,000,000 characters, and only 3,983 more fit here (at most 4,000). Add a shorter part.",
    ]);
  });

  it("lets through a paste that fits, counting the selection it replaces and line breaks as one", () => {
    const { el, said } = field(10, "abcdefghij");
    el.setSelectionRange(0, 10); // all selected: the paste replaces it
    expect(pasteInto(el, "0123456789")).toBe(false);
    el.setSelectionRange(10, 10);
    expect(pasteInto(el, "k")).toBe(true); // full
    expect(said.at(-1)).toMatch(/the field is full \(at most 10\)/);
    const lines = field(10, "");
    expect(pasteInto(lines.el, "a\r\nb\r\nc\r\nd\r\ne")).toBe(false); // 9 characters once in the field, not 13
    expect(lines.said).toEqual([]);
  });

  it("refuses a drop that does not fit, but not a move of the field's own selected text", () => {
    const { el } = field(8, "abcdefgh");
    el.setSelectionRange(0, 3);
    expect(pasteInto(el, "zz", "drop")).toBe(true); // a drop replaces nothing
    expect(pasteInto(el, "abc", "drop")).toBe(false); // the selection itself, moved
  });

  it("lets everything through a field with no bound", () => {
    const el = document.createElement("textarea");
    const said: string[] = [];
    refuseOverlong(el, (m) => said.push(m));
    expect(pasteInto(el, "x".repeat(100_000))).toBe(false);
    expect(said).toEqual([]);
    expect(pasteTooLong(12_345, 0, 2_000)).toMatch(/12,345 characters, and the field is full \(at most 2,000\)/);
  });
});
