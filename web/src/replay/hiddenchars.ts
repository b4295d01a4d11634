// Characters that make code read other than it runs, drawn as visible placeholders in the replay's code view: in the
// code itself and in the deleted lines of the merge view, which draws them as widgets outside the editor's document
// where CodeMirror's special-character highlighting never reaches.
import type { Extension } from "@codemirror/state";
import { highlightSpecialChars } from "@codemirror/view";
import { onDeletedChunks, textNodes } from "./deletedchunks";

// What the server-rendered report reveals (api/templating.py, REVEALED, and grader/invisible.py; keep the two the
// same, class for class: tests/web/test_hidden_parity.py): controls, line separators, interlinear annotations, and
// every default-ignorable character (Unicode's Default_Ignorable_Code_Point: bidirectional embeddings, overrides,
// isolates and marks, the "Trojan Source" characters; zero-width spaces; the soft hyphen; variation selectors and the
// invisible tag characters U+E0000-U+E007F, each a byte or an ASCII letter a model reads and a person does not;
// Hangul fillers). Each such character is hidden, in the run of them it is in, unless the run is a sequence Unicode
// defines: U+FE0F or U+FE0E after a pictograph ("❤️"), or after `#`, `*` or a digit before U+20E3 (a keycap); U+FE00
// after a math operator or a Myanmar, Phags-pa or Manichaean letter, U+FE00-U+FE02 or U+E0100-U+E01EF after a CJK
// ideograph, a Mongolian selector after a Mongolian letter; U+200D between two pictographs, the first with its U+FE0F
// or a skin tone before it ("❤️‍🔥", "👩🏽‍💻"); a joiner or non-joiner between two letters of a script that uses them
// (Arabic, Indic, ...: "می‌خواهم"); a subdivision flag's tags after U+1F3F4. A selector or joiner after a Latin letter
// ("wo\ufe03\u200drd") and an emoji then a run of selectors ("emoji smuggling") show every one. Tab, newline and
// carriage return are layout, not hidden.
const H = String.raw`[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufff9-\ufffb\p{Default_Ignorable_Code_Point}]`;
// Extended_Pictographic (Unicode 17.0), as grader/invisible.py PICTOGRAPHS has it (not \p{...}: a browser's Unicode
// version is not the server's).
const PICT = String.raw`[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9-\u21aa\u231a-\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa-\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u2604\u260e\u2611\u2614-\u2615\u2618\u261d\u2620\u2622-\u2623\u2626\u262a\u262e-\u262f\u2638-\u263a\u2640\u2642\u2648-\u2653\u265f-\u2660\u2663\u2665-\u2666\u2668\u267b\u267e-\u267f\u2692-\u2697\u2699\u269b-\u269c\u26a0-\u26a1\u26a7\u26aa-\u26ab\u26b0-\u26b1\u26bd-\u26be\u26c4-\u26c5\u26c8\u26ce-\u26cf\u26d1\u26d3-\u26d4\u26e9-\u26ea\u26f0-\u26f5\u26f7-\u26fa\u26fd\u2702\u2705\u2708-\u270d\u270f\u2712\u2714\u2716\u271d\u2721\u2728\u2733-\u2734\u2744\u2747\u274c\u274e\u2753-\u2755\u2757\u2763-\u2764\u2795-\u2797\u27a1\u27b0\u27bf\u2934-\u2935\u2b05-\u2b07\u2b1b-\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299\u{1f004}\u{1f02c}-\u{1f02f}\u{1f094}-\u{1f09f}\u{1f0af}-\u{1f0b0}\u{1f0c0}\u{1f0cf}-\u{1f0d0}\u{1f0f6}-\u{1f0ff}\u{1f170}-\u{1f171}\u{1f17e}-\u{1f17f}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f1af}-\u{1f1e5}\u{1f201}-\u{1f20f}\u{1f21a}\u{1f22f}\u{1f232}-\u{1f23a}\u{1f23c}-\u{1f23f}\u{1f249}-\u{1f25f}\u{1f266}-\u{1f321}\u{1f324}-\u{1f393}\u{1f396}-\u{1f397}\u{1f399}-\u{1f39b}\u{1f39e}-\u{1f3f0}\u{1f3f3}-\u{1f3f5}\u{1f3f7}-\u{1f3fa}\u{1f400}-\u{1f4fd}\u{1f4ff}-\u{1f53d}\u{1f549}-\u{1f54e}\u{1f550}-\u{1f567}\u{1f56f}-\u{1f570}\u{1f573}-\u{1f57a}\u{1f587}\u{1f58a}-\u{1f58d}\u{1f590}\u{1f595}-\u{1f596}\u{1f5a4}-\u{1f5a5}\u{1f5a8}\u{1f5b1}-\u{1f5b2}\u{1f5bc}\u{1f5c2}-\u{1f5c4}\u{1f5d1}-\u{1f5d3}\u{1f5dc}-\u{1f5de}\u{1f5e1}\u{1f5e3}\u{1f5e8}\u{1f5ef}\u{1f5f3}\u{1f5fa}-\u{1f64f}\u{1f680}-\u{1f6c5}\u{1f6cb}-\u{1f6d2}\u{1f6d5}-\u{1f6e5}\u{1f6e9}\u{1f6eb}-\u{1f6f0}\u{1f6f3}-\u{1f6ff}\u{1f7dc}-\u{1f7f0}\u{1f80c}-\u{1f80f}\u{1f848}-\u{1f84f}\u{1f85a}-\u{1f85f}\u{1f888}-\u{1f88f}\u{1f8ae}-\u{1f8af}\u{1f8bc}-\u{1f8bf}\u{1f8c2}-\u{1f8cf}\u{1f8d9}-\u{1f8ff}\u{1f90c}-\u{1f93a}\u{1f93c}-\u{1f945}\u{1f947}-\u{1f9ff}\u{1fa58}-\u{1fa5f}\u{1fa6e}-\u{1faff}\u{1fc00}-\u{1fffd}]`;
const MODIFIER = String.raw`[\u{1f3fb}-\u{1f3ff}]`;
const FIRST_SELECTOR_BASE = String.raw`[\u1000-\u109f\u2200-\u22ff\u2a00-\u2aff\ua840-\ua87f\ua9e0-\ua9ff\uaa60-\uaa7f\u{10ac0}-\u{10aff}]`;
const IDEOGRAPH = String.raw`[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]`;
const MONGOLIAN = String.raw`[\u1800-\u18af\u{11660}-\u{1167f}]`;
const JOINING = String.raw`[\u0600-\u0dff\u1000-\u109f\u1780-\u18af\u1cd0-\u1cff\ua8e0-\ua8ff\ufb50-\ufdff\ufe70-\ufefe\u{10d00}-\u{10d3f}\u{10ec0}-\u{10eff}\u{11000}-\u{11fff}\u{1e900}-\u{1e95f}]`;
const FLAG = String.raw`\u{1f3f4}(?=[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]{1,6}\u{e007f}(?!${H}))`;
const FLAG_TAG = String.raw`[\u{e0030}-\u{e0039}\u{e0061}-\u{e007a}]`;
const END = String.raw`(?!${H})`; // the last of its run
const FIRST = String.raw`(?<!${H}.)`; // the first of its run (read after it)
// A hidden character kept where it is: each alternative reads the character, then looks around it.
const KEPT = [
  String.raw`[\ufe0e\ufe0f](?<=${PICT}.)${FIRST}${END}`,
  String.raw`\ufe0f(?<=${PICT}.)${FIRST}(?=\u200d${PICT})`,
  String.raw`[\ufe0e\ufe0f](?<=[#*0-9].)${FIRST}(?=\u20e3)`,
  String.raw`\ufe00(?<=${FIRST_SELECTOR_BASE}.)${FIRST}${END}`,
  String.raw`[\ufe00-\ufe02\u{e0100}-\u{e01ef}](?<=${IDEOGRAPH}.)${FIRST}${END}`,
  String.raw`[\u180b-\u180d\u180f](?<=${MONGOLIAN}.)${FIRST}${END}`,
  String.raw`\u200d(?<=(?:${PICT}\ufe0f?|${MODIFIER}).)(?=${PICT})`,
  String.raw`[\u200c\u200d](?<=${JOINING}.)${FIRST}${END}(?=${JOINING})`,
  String.raw`(?:${FLAG_TAG}|\u{e007f})(?<=${FLAG}${FLAG_TAG}{0,6}.)`,
].join("|");
// The classes hold selectors and joiners on purpose, each one matched alone (they are what the rule is about).
// eslint-disable-next-line no-misleading-character-class
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
