// @vitest-environment jsdom
// The candidate's code editor shows code as it runs: characters that hide or reorder text are drawn as named
// placeholders, as the report's replay draws them, while the joiners a script needs stay as they are.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CodeEditor, MAX_DROP_BYTES, storable } from "./editor";

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

describe("text the API cannot keep", () => {
  // A paste scrolls the cursor into view, which measures text ranges: jsdom lays nothing out and has no such method.
  beforeAll(() => {
    Range.prototype.getClientRects ??= () => [] as unknown as DOMRectList;
    Range.prototype.getBoundingClientRect ??= () => new DOMRect();
  });

  function editor(code = ""): { parent: HTMLElement; editor: CodeEditor; notices: string[] } {
    const parent = document.createElement("div");
    document.body.append(parent);
    const made = new CodeEditor(parent, code, "python");
    const notices: string[] = [];
    made.onNotice = (text) => notices.push(text);
    return { parent, editor: made, notices };
  }

  function content(parent: HTMLElement): HTMLElement {
    return parent.querySelector(".cm-content") as HTMLElement;
  }

  it("replaces a NUL and unpaired surrogates with U+FFFD, keeping pairs", () => {
    expect(storable("a\0b")).toBe("a\ufffdb");
    expect(storable("x\ud800y\udc00z")).toBe("x\ufffdy\ufffdz");
    expect(storable("end\ud83d")).toBe("end\ufffd");
    expect(storable("\udc00\ud83d\ude00\ud800")).toBe("\ufffd\ud83d\ude00\ufffd"); // 😀 stays
    expect(storable("plain ✓ code")).toBe("plain ✓ code");
  });

  it("pastes text holding a NUL or a lone surrogate as storable code", () => {
    const { parent, editor: made } = editor();
    const paste = new Event("paste", { bubbles: true, cancelable: true });
    Object.defineProperty(paste, "clipboardData", { value: { getData: () => "print(1)\0\ud800 # 😀" } });
    content(parent).dispatchEvent(paste);
    expect(made.code).toBe("print(1)\ufffd\ufffd # 😀");
  });

  it("refuses, and says so, a dropped file larger than an interview keeps, without reading it", () => {
    const { parent, editor: made, notices } = editor("x = 1");
    const file = { size: MAX_DROP_BYTES + 1 };
    const drop = new Event("drop", { bubbles: true, cancelable: true });
    Object.defineProperty(drop, "dataTransfer", { value: { files: [file], getData: () => "" } });
    content(parent).dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    expect(made.code).toBe("x = 1");
    expect(notices).toEqual([
      "The file was not added: it is larger than an interview keeps (at most 200,000 characters).",
    ]);
  });

  it("leaves a dropped file within the bound to CodeMirror", () => {
    const { parent, notices } = editor("x = 1");
    const drop = new Event("drop", { bubbles: true, cancelable: true });
    Object.defineProperty(drop, "dataTransfer", { value: { files: [{ size: MAX_DROP_BYTES }], getData: () => "" } });
    const read: unknown[] = [];
    const Reader = globalThis.FileReader;
    globalThis.FileReader = class {
      readAsText(file: unknown): void {
        read.push(file);
      }
    } as unknown as typeof FileReader;
    try {
      content(parent).dispatchEvent(drop);
    } finally {
      globalThis.FileReader = Reader;
    }
    expect(read).toHaveLength(1); // CodeMirror reads it
    expect(notices).toEqual([]);
  });
});
