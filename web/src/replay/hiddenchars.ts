// Characters that make code read other than it runs, drawn as visible placeholders in the replay's code view: in the
// code itself and in the deleted lines of the merge view, which draws them as widgets outside the editor's document
// where CodeMirror's special-character highlighting never reaches.
import type { Extension } from "@codemirror/state";
import { highlightSpecialChars } from "@codemirror/view";
import { onDeletedChunks, textNodes } from "./deletedchunks";

// What the server-rendered report reveals (api/templating.py, REVEALED, and grader/invisible.py; keep the two the
// same): controls, line separators, interlinear annotations, and every default-ignorable character (Unicode's
// Default_Ignorable_Code_Point: bidirectional embeddings, overrides, isolates and marks, the "Trojan Source"
// characters; zero-width spaces; the soft hyphen; variation selectors and the invisible tag characters
// U+E0000-U+E007F, each a byte or an ASCII letter a model reads and a person does not; Hangul fillers). Each such
// character is hidden, in the run of them it is in, unless the run is a use Unicode gives them, directly after a
// character that prints (`BASE`): one variation selector ("❤️"; one of U+E0100-U+E01EF only after a CJK ideograph),
// then or alone one zero-width joiner or non-joiner before a character that prints ("👩‍💻", "می‌خواهم"), or a
// subdivision flag's tags after U+1F3F4. An emoji then a run of selectors ("emoji smuggling") shows every one of
// them. Tab, newline and carriage return are layout, not hidden.
const H = String.raw`[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb\p{Default_Ignorable_Code_Point}]`;
const BASE = String.raw`[^\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}]`;
const VS = String.raw`[\u180b-\u180d\u180f\ufe00-\ufe0f]`;
const IVS = String.raw`[\u{e0100}-\u{e01ef}]`;
const IDEOGRAPH = String.raw`[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]`;
const JOINER = String.raw`[\u200c\u200d]`;
const FLAG = String.raw`\u{1f3f4}(?=[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,6}\u{e007f}(?!${H}))`;
const FLAG_TAG = String.raw`[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]`;
// A hidden character kept where it is: each alternative reads the character, then looks around it.
const KEPT = [
  String.raw`${VS}(?<=${BASE}.)(?:(?!${H})|(?=${JOINER}${BASE}))`,
  String.raw`${IVS}(?<=${IDEOGRAPH}.)(?:(?!${H})|(?=${JOINER}${BASE}))`,
  String.raw`${JOINER}(?<=(?:${BASE}|${BASE}${VS}|${IDEOGRAPH}${IVS}).)(?=${BASE})`,
  String.raw`(?:${FLAG_TAG}|\u{e007f})(?<=${FLAG}${FLAG_TAG}{0,6}.)`,
].join("|");
export const HIDDEN = new RegExp(String.raw`(?!${KEPT})${H}`, "gu");

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

/** A variation selector's Unicode name ("variation selector-17"), or undefined. */
function selectorName(code: number): string | undefined {
  if (code >= 0xfe00 && code <= 0xfe0f) return `variation selector-${code - 0xfe00 + 1}`;
  if (code >= 0xe0100 && code <= 0xe01ef) return `variation selector-${code - 0xe0100 + 17}`;
  return undefined;
}

/** The placeholder for one hidden character, as CodeMirror draws a special character: a C0 control as its Control
 *  Pictures symbol, anything else as a bullet, named in its title. */
export function placeholder(code: number): HTMLElement {
  const title = `Control character ${NAMES[code] ?? selectorName(code) ?? `0x${code.toString(16)}`}`;
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

/** Replace each hidden character in `node` by its placeholder (read in the node's text: a selector after an emoji
 *  in it is kept as the report keeps it). */
function revealText(node: Text): void {
  const text = node.data;
  const found = [...text.matchAll(HIDDEN)];
  if (found.length === 0) return;
  const drawn = document.createDocumentFragment();
  let at = 0;
  for (const m of found) {
    if (m.index > at) drawn.append(text.slice(at, m.index));
    drawn.append(placeholder(m[0].codePointAt(0) ?? 0));
    at = m.index + m[0].length;
  }
  if (at < text.length) drawn.append(text.slice(at));
  node.replaceWith(drawn);
}

/** Hidden characters as placeholders, in the code and in what the merge view shows was deleted from it. */
export function revealHidden(): Extension {
  return [
    highlightSpecialChars({ specialChars: HIDDEN, render: placeholder }),
    onDeletedChunks((chunk) => textNodes(chunk).forEach(revealText)),
  ];
}
