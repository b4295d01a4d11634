// @vitest-environment jsdom
// The candidate's code editor shows code as it runs: characters that hide or reorder text are drawn as named
// placeholders, as the report's replay draws them, while the joiners a script needs stay as they are.
import { afterEach, describe, expect, it } from "vitest";
import { CodeEditor } from "./editor";

afterEach(() => document.body.replaceChildren());

function drawn(code: string): string[] {
  const parent = document.createElement("div");
  document.body.append(parent);
  new CodeEditor(parent, code, "python");
  return [...parent.querySelectorAll(".cm-content .cm-specialChar")].map((s) => s.getAttribute("aria-label") ?? "");
}

describe("the code editor", () => {
  it("draws every bidirectional control and invisible character as a named placeholder", () => {
    // "Trojan Source": an embedding (U+202B) and a first-strong isolate (U+2068) reorder what follows, invisibly; a
    // Hangul filler (U+3164) is a JavaScript identifier that shows as a space; a word joiner (U+2060) shows nothing.
    const code = 'ok = "\u202badmin\u202c"  # \u2068x\u2069\nx\u3164 = 1\u2060\n';
    expect(drawn(code)).toEqual([
      "Control character right-to-left embedding",
      "Control character pop directional formatting",
      "Control character first strong isolate",
      "Control character pop directional isolate",
      "Control character 0x3164",
      "Control character word joiner",
    ]);
  });

  it("draws each once, and leaves a joiner inside a word of a script that needs it", () => {
    expect(drawn("a\u200bb\u202ec")).toEqual([
      "Control character zero width space",
      "Control character right-to-left override",
    ]);
    expect(drawn("# \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645\n")).toEqual([]); // Persian "I want"
  });
});
