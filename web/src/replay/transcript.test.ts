// @vitest-environment jsdom
// The transcript marks a cited quote where the grader verified it, however the page shows the line's hidden characters.
import { describe, expect, it } from "vitest";
import { HIDDEN } from "./hiddenchars";
import { TranscriptSync } from "./transcript";

// The page draws the first 2,000 hidden characters of a text as markers (api/templating.py MAX_MARKERS_PER_TEXT); the
// replay does not depend on how many, and a DOM of 2,000 markers takes jsdom seconds to build: here, the first 20.
const MAX_MARKERS = 20;

/** `said` as the report shows a turn on screen (api/report_lines.py `said_lines`, api/templating.py `reveal`): each
 *  line (CR and CRLF read as LF) after the turn's mark, each hidden character a marker, past the first `MAX_MARKERS` the plain
 *  text `U+XXXX`. */
function shown(said: string): string {
  let markers = 0;
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const line = (text: string) => {
    let out = "";
    let at = 0;
    for (const m of text.matchAll(HIDDEN)) {
      out += escape(text.slice(at, m.index));
      const code = (m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
      markers += 1;
      out +=
        markers <= MAX_MARKERS
          ? `<span class="hidden-char" title="x" data-code="${code}">U+${code}</span>`
          : `U+${code}`;
      at = m.index + m[0].length;
    }
    return out + escape(text.slice(at));
  };
  const mark = '<span class="turn-mark" aria-hidden="true">\u2502 </span>';
  return said
    .split(/\r\n?|\n/)
    .map((l) => mark + line(l))
    .join("\n");
}

function transcript(said: string): { sync: TranscriptSync; marked: () => string[] } {
  return page(shown(said));
}

/** Turn 7 of a transcript whose words the page shows as `html`. */
function page(html: string): { sync: TranscriptSync; marked: () => string[] } {
  document.body.innerHTML = `<ol id="transcript"><li class="turn" data-seq="7" data-t="1"><p class="turn-text">${html}</p></li></ol>`;
  const list = document.getElementById("transcript");
  return {
    sync: new TranscriptSync(list),
    marked: () => [...document.querySelectorAll("mark.evidence-hit")].map((m) => m.textContent ?? ""),
  };
}

// The hostile shape (web/src/replay/model.test.ts and tests/api/test_report_quote_places.py find its places, 2,500
// long): more hidden characters before the words cited than the page draws as markers, then one inside the first
// place of the quote.
const HOSTILE = "\u202e".repeat(MAX_MARKERS + 30) + " I said it. ha\u200bsh map, then a hash map.";
const FIRST: [number, number] = [MAX_MARKERS + 42, MAX_MARKERS + 51];

describe("TranscriptSync.highlight", () => {
  it("marks the place verified after more hidden characters than the page draws as markers", () => {
    const { sync, marked } = transcript(HOSTILE);
    expect(document.querySelectorAll(".hidden-char")).toHaveLength(MAX_MARKERS);
    expect(sync.highlight(7, "hash map", 0, FIRST, HOSTILE)).toBe(true);
    expect(marked()).toEqual(["haU+200Bsh map"]);
    expect(sync.highlight(7, "hash map", 1, null, HOSTILE)).toBe(true);
    expect(marked()).toEqual(["hash map"]);
    // The page read as the words were: past the cap "haU+200Bsh" is no "hash", and the first place was lost.
    expect(sync.highlight(7, "hash map", 0, FIRST)).toBe(true);
    expect(marked()).toEqual(["hash map"]);
  });

  it("marks a quote that spans the markers and plain hidden characters, in UTF-16 offsets", () => {
    const said = "ok " + "\u{E0041}".repeat(MAX_MARKERS + 100) + " a hash map";
    const { sync, marked } = transcript(said);
    const at = 3 + 2 * (MAX_MARKERS + 100) + 3;
    expect(sync.highlight(7, "hash map", 0, [at, at + 8], said)).toBe(true);
    expect(marked()).toEqual(["hash map"]);
    expect(sync.highlight(7, "ok \u{E0041}\u{E0041} a hash", 0, null, said)).toBe(true);
    const [hit] = marked();
    expect(hit.startsWith("okU+E0041") || hit.startsWith("ok U+E0041")).toBe(true);
    expect(hit.endsWith("U+E0041 a hash")).toBe(true);
  });

  it("reads a line's CR and CRLF as the page's LF, and its marks as nothing", () => {
    const said = "one\r\ntwo\rthree \u200bhash map";
    const { sync, marked } = transcript(said);
    expect(sync.highlight(7, "three hash map", 0, [9, 24], said)).toBe(true);
    expect(marked()).toEqual(["three U+200Bhash map"]);
    expect(sync.highlight(7, "one two", 0, null, said)).toBe(true);
    expect(marked()).toEqual(["one\n\u2502 two"]);
  });

  it("reads the page when the stored words are not what it shows", () => {
    const { sync, marked } = transcript("a hash map");
    expect(sync.highlight(7, "hash map", 0, null, "another line")).toBe(true);
    expect(marked()).toEqual(["hash map"]);
    expect(sync.highlight(7, "another", 0, null, "another line")).toBe(false);
  });

  // Lines as the page shows them (api/report_lines.py `said_lines`, as printed for these words), and the same words
  // under elements that wrap them: each run of right-to-left letters an isolate (`RTL_HTML`, as the report shows
  // code), a link. A quote is marked in and across them, the one place cited, and no element is cut in two (two
  // isolates show a run's words in another order), also once the marks are cleared.
  const MARK = '<span class="turn-mark" aria-hidden="true">\u2502 </span>';
  const RLO = '<span class="hidden-char" title="right-to-left override" data-code="202E">U+202E</span>';
  const rtl = (run: string) => `<span class="rtl">${run}</span>`;
  it.each([
    {
      name: "Arabic words and a right-to-left override's marker",
      said: "أنا أستخدم hash map هنا\u202e ok",
      html: `${MARK}أنا أستخدم hash map هنا${RLO} ok`,
      quote: "هنا ok",
      where: [20, 27] as [number, number],
      marks: ["هناU+202E ok"],
    },
    {
      name: "a printed line's wraps",
      said: "مرحبا مرحبا hash map",
      html: `${MARK}مرحبا مرحبا <i class="w"></i>hash <i class="w"></i>map`,
      quote: "مرحبا hash map",
      where: [6, 20] as [number, number],
      marks: ["مرحبا hash map"],
    },
    {
      name: "Hebrew across a CRLF's two lines",
      said: "שלום\r\nעולם hash",
      html: `${MARK}שלום\n${MARK}עולם hash`,
      quote: "שלום עולם",
      where: [0, 10] as [number, number],
      marks: ["שלום\n\u2502 עולם"],
    },
    {
      name: "a quote across isolated runs",
      said: "أنا أستخدم hash map هنا ok",
      html: `${MARK}${rtl("أنا أستخدم")} hash map ${rtl("هنا")} ok`,
      quote: "أستخدم hash map هنا",
      where: [4, 23] as [number, number],
      marks: ["أستخدم", " hash map ", "هنا"],
    },
    {
      name: "the second of a quote's places, inside an isolate",
      said: "شكرا, hash map; شكرا",
      html: `${MARK}${rtl("شكرا")}, hash map; ${rtl("شكرا")}`,
      quote: "شكرا",
      where: [16, 20] as [number, number],
      marks: ["شكرا"],
      second: true,
    },
    {
      name: "a quote out of a link, after a hidden character",
      said: "see \u202ehttps://example.com/x ok",
      html: `${MARK}see ${RLO}<a href="https://example.com/x">https://example.com/x</a> ok`,
      quote: "example.com/x ok",
      where: [13, 29] as [number, number],
      marks: ["example.com/x", " ok"],
    },
  ])("marks a quote in $name", ({ said, html, quote, where, marks, second }) => {
    const { sync, marked } = page(html);
    const line = document.querySelector(".turn-text") as HTMLElement;
    const before = line.innerHTML;
    // The place the grader verified; else which of the quote's places; else the words read from the page.
    for (const [stored, place, occurrence] of [
      [said, where, 0],
      [said, null, second ? 1 : 0],
      [null, null, second ? 1 : 0],
    ] as const) {
      expect(sync.highlight(7, quote, occurrence, place, stored)).toBe(true);
      expect(marked()).toEqual(marks);
      if (second) expect(line.lastElementChild?.firstElementChild?.tagName).toBe("MARK");
      sync.clear();
      expect(line.innerHTML).toBe(before);
    }
  });
});
