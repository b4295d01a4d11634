// Keeps the server-rendered transcript in step with the replay: the turn at the replay's moment is marked and
// scrolled into view inside the transcript's own scroll box (the page does not jump), and cited words are marked.
import { findQuote } from "./model";

export class TranscriptSync {
  private readonly turns: HTMLElement[];
  private current: HTMLElement | null = null;

  constructor(private readonly list: HTMLElement | null) {
    this.turns = list ? [...list.querySelectorAll<HTMLElement>("li.turn[data-t]")] : [];
  }

  /** Mark the last turn that started at or before `t`; or, given `seq` (a cited event's turn, null for none yet),
   *  that turn, even when another started at the same moment after it. */
  follow(t: number, seq?: number | null): void {
    // A turn the printed transcript leaves out (its budget, api/report_budget.py) is followed by its time.
    let found =
      seq === undefined || seq === null ? null : (this.turns.find((turn) => turn.dataset.seq === String(seq)) ?? null);
    if (found === null && seq !== null) {
      for (const turn of this.turns) {
        if (Number(turn.dataset.t) <= t + 1e-6) found = turn;
        else break;
      }
    }
    if (found === this.current) return;
    this.current?.classList.remove("is-current");
    this.current?.removeAttribute("aria-current");
    this.current = found;
    if (!found) return;
    found.classList.add("is-current");
    found.setAttribute("aria-current", "true");
    this.scrollTo(found);
  }

  private scrollTo(turn: HTMLElement): void {
    const list = this.list;
    if (!list) return;
    const top = turn.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + turn.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - list.clientHeight / 3);
    }
  }

  /** Mark the quoted words in transcript line `seq` (clearing earlier marks); false when they are not there. The
   *  line is text plus, where the candidate's words hold a hidden character, the server's visible marker for it
   *  (`span.hidden-char[data-code]`, api/templating.py; past its first 2,000 in one text, the plain text `U+XXXX`),
   *  and before each of its lines the mark that keeps it the speaker's (`span.turn-mark`, api/report_lines.py);
   *  its words are read in every text node under it, whatever element wraps them (`wordNodes`: a printed line's
   *  wraps, a right-to-left isolate), and marked without cutting any element in two (`markSpan`).
   *  The words are matched in `said`, the line as stored (the timeline's text: what the grader's `where` is a place
   *  of), each of its characters found again in what the page shows (`alignedParts`), so that where a quote is, and
   *  what is marked, does not depend on how its hidden characters are shown: a candidate who typed thousands of them
   *  before the words cited made the quote after them, read from the page, one nobody could find. Without `said` (a
   *  turn the timeline's budget left out), or when the page does not show it, the words are read from the page, a
   *  marker counting as its character and a line's mark as nothing. `where`, else `occurrence`: which place of the
   *  quote the citation stands for (`findQuote`). */
  highlight(
    seq: number,
    quote: string,
    occurrence = 0,
    where: readonly [number, number] | null = null,
    said: string | null = null,
  ): boolean {
    this.clear();
    const text = this.list?.querySelector<HTMLElement>(`li[data-seq="${seq}"] .turn-text`);
    if (!text || !text.firstChild) return false;
    const aligned = said === null ? null : alignedParts(text, said);
    const line = aligned ? { said: said ?? "", parts: aligned } : shownParts(text);
    const span = findQuote(line.said, quote, occurrence, where);
    if (!span) return false;
    markSpan(line.parts, span[0], span[1]);
    const turn = text.closest<HTMLElement>("li");
    if (turn) this.scrollTo(turn);
    return true;
  }

  clear(): void {
    for (const mark of this.list?.querySelectorAll("mark.evidence-hit") ?? []) {
      const parent = mark.parentNode;
      if (!parent) continue;
      mark.replaceWith(...mark.childNodes);
      parent.normalize();
    }
  }
}

/** A node of a shown line and the part of the said text it shows: `length` UTF-16 units from `start`; for a text
 *  node aligned with the stored line, `offsets[k]` is where in the node the unit `start + k` is shown (one more
 *  entry: where the node's part ends). */
interface Part {
  node: Text | HTMLElement;
  start: number;
  length: number;
  offsets?: number[];
}

/** The nodes that show a line's words, in document order: every text node under it, whatever elements wrap it (a
 *  right-to-left isolate, `span.rtl`; a printed line's wrap, `i.w`; anything else), each hidden character's marker
 *  whole (its `U+XXXX` is not the words), and nothing of a line's mark (`span.turn-mark`). Read as the line's
 *  children only, a word inside any other element was no text: a quote in or across it was marked nowhere, or at
 *  another of its places. */
function wordNodes(line: HTMLElement): (Text | HTMLElement)[] {
  const nodes: (Text | HTMLElement)[] = [];
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => {
      if (node.nodeType === Node.TEXT_NODE)
        return isMarker(node.parentNode) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      if (isMarker(node)) return NodeFilter.FILTER_ACCEPT;
      return (node as Element).classList.contains("turn-mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
    },
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text | HTMLElement);
  return nodes;
}

function isMarker(node: Node | null): node is HTMLElement {
  return node instanceof HTMLElement && node.classList.contains("hidden-char");
}

/** The line's words as the page shows them: its text, a hidden character's marker counting as its character. */
function shownParts(line: HTMLElement): { said: string; parts: Part[] } {
  const parts: Part[] = [];
  let said = "";
  for (const node of wordNodes(line)) {
    const piece = isMarker(node) ? hiddenChar(node) : node.data;
    if (!piece) continue;
    parts.push({ node, start: said.length, length: piece.length });
    said += piece;
  }
  return { said, parts };
}

/** `said` (the line as stored) found again, character by character, in what the page shows of it (`line`'s
 *  `wordNodes`): a character as itself; a hidden one as its marker (`span.hidden-char[data-code]`) or, past the
 *  markers' cap, as the plain text `U+XXXX`; a line break (CR, CRLF) as LF; a line's mark as nothing. Null when the
 *  two do not agree (a page of another text): the caller reads the page instead. A shown character is never a hidden
 *  one (the page shows those as markers), so each step has one reading: the walk is linear in the line's length. */
function alignedParts(line: HTMLElement, said: string): Part[] | null {
  const parts: Part[] = [];
  let i = 0;
  for (const node of wordNodes(line)) {
    const start = i;
    if (isMarker(node)) {
      const piece = hiddenChar(node);
      if (!piece) continue;
      if (!said.startsWith(piece, i)) return null;
      i += piece.length;
      parts.push({ node, start, length: piece.length });
      continue;
    }
    const shown = node.data;
    if (!shown) continue;
    const offsets: number[] = [];
    let j = 0;
    while (j < shown.length) {
      if (i >= said.length) return null;
      const ch = said[i];
      let read = 1; // units of `said`
      let seen = 1; // units of `shown`
      if (ch === shown[j]) {
        // the character as itself
      } else if (ch === "\r" && shown[j] === "\n") {
        if (said[i + 1] === "\n") read = 2;
      } else {
        const code = said.codePointAt(i) ?? 0;
        const plain = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
        if (!shown.startsWith(plain, j)) return null;
        read = code > 0xffff ? 2 : 1;
        seen = plain.length;
      }
      for (let k = 0; k < read; k += 1) offsets.push(j);
      i += read;
      j += seen;
    }
    offsets.push(j);
    parts.push({ node, start, length: i - start, offsets });
  }
  return i === said.length ? parts : null;
}

/** The character a hidden character's marker stands for ("" for a marker of no character). */
function hiddenChar(node: HTMLElement): string {
  const code = Number.parseInt(node.dataset.code ?? "", 16);
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

/** Mark `[from, to)` of the line's said text: one `mark.evidence-hit` for each run of the parts it covers that are
 *  children of one element, so that no element of the line is cut in two (a right-to-left isolate cut in two is two
 *  isolates, and shows its words in another order, also once the marks are cleared). A line of text and markers,
 *  as the page prints a turn, is one run. */
function markSpan(parts: Part[], from: number, to: number): void {
  type Edge = (range: Range) => void;
  const runs: { parent: Node; start: Edge; end: Edge }[] = [];
  for (const part of parts) {
    const a = Math.max(from, part.start);
    const b = Math.min(to, part.start + part.length);
    const { node } = part;
    const parent = node.parentNode;
    if (a >= b || !parent) continue;
    const at = (offset: number): number => part.offsets?.[offset - part.start] ?? offset - part.start;
    const start: Edge = isMarker(node) ? (r) => r.setStartBefore(node) : (r) => r.setStart(node, at(a));
    const end: Edge = isMarker(node) ? (r) => r.setEndAfter(node) : (r) => r.setEnd(node, at(b));
    const last = runs.at(-1);
    if (last && last.parent === parent) last.end = end;
    else runs.push({ parent, start, end });
  }
  // Last first: marking a run changes nothing before it, so the nodes and offsets of the runs before it still hold.
  for (const run of runs.reverse()) {
    const range = document.createRange();
    run.start(range);
    run.end(range);
    const mark = document.createElement("mark");
    mark.className = "evidence-hit";
    mark.append(range.extractContents());
    range.insertNode(mark);
  }
}
