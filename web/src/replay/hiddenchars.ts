// Characters that make code read other than it runs, drawn as visible placeholders in the replay's code view: in the
// code itself and in the deleted lines of the merge view, which draws them as widgets outside the editor's document
// where CodeMirror's special-character highlighting never reaches.
import type { Extension } from "@codemirror/state";
import { type EditorView, ViewPlugin, highlightSpecialChars } from "@codemirror/view";

// The set the server-rendered report reveals (api/templating.py, HIDDEN_CHARS; keep the two the same): controls,
// bidirectional embeddings, overrides, isolates and marks (the "Trojan Source" characters), zero-width spaces and
// invisible operators, line separators, and the invisible tag characters U+E0000-U+E007F. ZWJ and ZWNJ (U+200C,
// U+200D) are left alone: scripts and emoji need them. Tab, newline and carriage return are layout, not hidden.
export const HIDDEN =
  // eslint-disable-next-line no-control-regex -- control characters are what this set is about
  /[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;
const ONE_HIDDEN = new RegExp(`^${HIDDEN.source}$`, "u");

// What a placeholder's title calls each character: its Unicode name, or (controls, tags) its code point.
const NAMES: Record<number, string> = {
  0xad: "soft hyphen",
  0x61c: "arabic letter mark",
  0x180e: "mongolian vowel separator",
  0x200b: "zero width space",
  0x200e: "left-to-right mark",
  0x200f: "right-to-left mark",
  0x2028: "line separator",
  0x2029: "paragraph separator",
  0x202a: "left-to-right embedding",
  0x202b: "right-to-left embedding",
  0x202c: "pop directional formatting",
  0x202d: "left-to-right override",
  0x202e: "right-to-left override",
  0x2060: "word joiner",
  0x2061: "function application",
  0x2062: "invisible times",
  0x2063: "invisible separator",
  0x2064: "invisible plus",
  0x2066: "left-to-right isolate",
  0x2067: "right-to-left isolate",
  0x2068: "first strong isolate",
  0x2069: "pop directional isolate",
  0xfeff: "zero width no-break space",
  0xfff9: "interlinear annotation anchor",
  0xfffa: "interlinear annotation separator",
  0xfffb: "interlinear annotation terminator",
};

/** The placeholder for one hidden character, as CodeMirror draws a special character: a C0 control as its Control
 *  Pictures symbol, anything else as a bullet, named in its title. */
export function placeholder(code: number): HTMLElement {
  const title = `Control character ${NAMES[code] ?? `0x${code.toString(16)}`}`;
  const span = document.createElement("span");
  span.className = "cm-specialChar";
  span.textContent = code < 0x20 ? String.fromCharCode(0x2400 + code) : "\u2022";
  span.title = title;
  span.setAttribute("aria-label", title);
  return span;
}

/** Past this many hidden characters in what the code view shows (the snapshot and the one it is compared with), each
 *  is drawn as the plain glyph its placeholder shows instead of a placeholder widget: a snapshot of 17,000 right-to-left
 *  overrides on one 190 KB line took the view over a second per step of the replay. */
export const MAX_PLACEHOLDERS = 2000;

/** How many hidden characters `code` holds. */
export function countHidden(code: string): number {
  return code.match(HIDDEN)?.length ?? 0;
}

/** `code` with each hidden character replaced by its placeholder's glyph: shown, and no longer in effect. */
export function substituteHidden(code: string): string {
  return code.replace(HIDDEN, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : "\u2022";
  });
}

/** Replace each hidden character in `node` by its placeholder. */
function revealText(node: Text): void {
  const chars = [...node.data];
  if (!chars.some((c) => ONE_HIDDEN.test(c))) return;
  const drawn = document.createDocumentFragment();
  let run = "";
  for (const c of chars) {
    if (!ONE_HIDDEN.test(c)) {
      run += c;
      continue;
    }
    if (run) drawn.append(run);
    run = "";
    drawn.append(placeholder(c.codePointAt(0) ?? 0));
  }
  if (run) drawn.append(run);
  node.replaceWith(drawn);
}

/** Replace the hidden characters in every deleted chunk the merge view has drawn in `content` and not yet shown.
 *  The merge view builds a chunk's DOM once and keeps it (a widget), so each is marked up once. */
function revealDeleted(content: HTMLElement, done: WeakSet<Element>): void {
  for (const chunk of content.querySelectorAll(".cm-deletedChunk")) {
    if (done.has(chunk)) continue;
    done.add(chunk);
    const texts: Text[] = [];
    const walker = document.createTreeWalker(chunk, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
    texts.forEach(revealText);
  }
}

// Deleted chunks are block widgets, put into the content whenever the view draws them (a new state, stepping the
// replay, scrolling them into view): a MutationObserver on the content marks each one up before it is painted.
// CodeMirror ignores changes inside a widget's DOM, so this does not read as an edit.
const revealDeletions = ViewPlugin.fromClass(
  class {
    private readonly done = new WeakSet<Element>();
    private readonly observer: MutationObserver;

    constructor(view: EditorView) {
      const content = view.contentDOM;
      this.observer = new MutationObserver(() => {
        revealDeleted(content, this.done);
        this.observer.takeRecords(); // our own changes
      });
      this.observer.observe(content, { childList: true, subtree: true });
      revealDeleted(content, this.done);
    }

    destroy(): void {
      this.observer.disconnect();
    }
  },
);

/** Hidden characters as placeholders, in the code and in what the merge view shows was deleted from it. */
export function revealHidden(): Extension {
  return [highlightSpecialChars({ specialChars: HIDDEN, render: placeholder }), revealDeletions];
}
