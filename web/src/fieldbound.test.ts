// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { charCount, pasteTooLong, refuseOverlong } from "./fieldbound";
import { pasteInto } from "./testing/clipboard";

function field(max: number, value = "", tag: "textarea" | "input" = "textarea") {
  const el = document.createElement(tag);
  el.value = value;
  document.body.replaceChildren(el);
  const said: string[] = [];
  refuseOverlong(el, max, (m) => said.push(m));
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

  it("counts characters as the server does (code points), not UTF-16 units", () => {
    const { el, said } = field(4_000);
    expect(el.maxLength).toBe(8_000); // the browser's backstop, in units: no text within the bound reaches it
    expect(pasteInto(el, "😀".repeat(2_500))).toBe(false); // 2,500 characters (5,000 units): it fits
    const over = "é😀x".repeat(1_333) + "ab"; // 4,001 code points
    expect(charCount(over)).toBe(4_001);
    expect(pasteInto(el, over)).toBe(true);
    expect(said).toEqual([
      "Not added: that text is 4,001 characters, and only 4,000 more fit here (at most 4,000). Add a shorter part.",
    ]);
    el.value = "😀".repeat(3_999) + "a"; // full at 4,000 code points (7,999 units)
    el.setSelectionRange(el.value.length - 1, el.value.length); // "a" selected: a paste of one emoji replaces it
    expect(pasteInto(el, "😀")).toBe(false);
    expect(charCount("\ud800x")).toBe(2); // a lone surrogate is one, as Python counts it
  });

  it("refuses typed text past the bound, and lets it through while it fits", () => {
    const { el, said } = field(3, "😀😀");
    const type = (inputType: string, data: string | null) => {
      const event = new InputEvent("beforeinput", { inputType, data, bubbles: true, cancelable: true });
      el.dispatchEvent(event);
      return event.defaultPrevented;
    };
    el.setSelectionRange(el.value.length, el.value.length);
    expect(type("insertText", "😀")).toBe(false); // the third of three
    el.value = "😀😀😀";
    el.setSelectionRange(el.value.length, el.value.length);
    expect(type("insertText", "a")).toBe(true);
    expect(type("insertLineBreak", null)).toBe(true);
    expect(type("deleteContentBackward", null)).toBe(false);
    expect(said.at(-1)).toBe(
      "Not added: that text is 1 character, and the field is full (at most 3). Add a shorter part.",
    );
    el.setSelectionRange(0, 2); // one emoji selected: typing replaces it
    expect(type("insertText", "b")).toBe(false);
    expect(pasteTooLong(12_345, 0, 2_000)).toMatch(/12,345 characters, and the field is full \(at most 2,000\)/);
  });
});
