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
   *  and before each of its lines the mark that keeps it the speaker's (`span.turn-mark`, api/report_lines.py).
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
    const range = document.createRange();
    range.setStart(...boundary(text, line.parts, span[0], false));
    range.setEnd(...boundary(text, line.parts, span[1], true));
    const mark = document.createElement("mark");
    mark.className = "evidence-hit";
    mark.append(range.extractContents());
    range.insertNode(mark);
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
  node: ChildNode;
  start: number;
  length: number;
  offsets?: number[];
}

/** The line's words as the page shows them: its text, a hidden character's marker counting as its character. */
function shownParts(line: HTMLElement): { said: string; parts: Part[] } {
  const parts: Part[] = [];
  let said = "";
  for (const node of line.childNodes) {
    const piece = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? "") : hiddenChar(node);
    parts.push({ node, start: said.length, length: piece.length });
    said += piece;
  }
  return { said, parts };
}

/** `said` (the line as stored) found again, character by character, in what the page shows of it (`line`): a
 *  character as itself; a hidden one as its marker (`span.hidden-char[data-code]`) or, past the markers' cap, as the
 *  plain text `U+XXXX`; a line break (CR, CRLF) as LF; a line's mark (any other element) as nothing. Null when the
 *  two do not agree (a page of another text): the caller reads the page instead. A shown character is never a hidden
 *  one (the page shows those as markers), so each step has one reading: the walk is linear in the line's length. */
function alignedParts(line: HTMLElement, said: string): Part[] | null {
  const parts: Part[] = [];
  let i = 0;
  for (const node of line.childNodes) {
    const start = i;
    if (node.nodeType === Node.TEXT_NODE) {
      const shown = node.textContent ?? "";
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
    } else {
      const piece = hiddenChar(node);
      if (piece && !said.startsWith(piece, i)) return null;
      i += piece.length;
      parts.push({ node, start, length: piece.length });
    }
  }
  return i === said.length ? parts : null;
}

/** The character a hidden character's marker stands for ("" for any other element: a line's mark is no word). */
function hiddenChar(node: ChildNode): string {
  if (!(node instanceof HTMLElement) || !node.classList.contains("hidden-char")) return "";
  const code = Number.parseInt(node.dataset.code ?? "", 16);
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

/** The DOM position of offset `at` of the line's said text: inside a text node, or beside a marker element. */
function boundary(line: HTMLElement, parts: Part[], at: number, isEnd: boolean): [Node, number] {
  for (const [index, part] of parts.entries()) {
    const inside = isEnd ? at <= part.start + part.length : at < part.start + part.length;
    if (!inside) continue;
    if (part.node.nodeType === Node.TEXT_NODE) return [part.node, part.offsets?.[at - part.start] ?? at - part.start];
    return [line, at > part.start ? index + 1 : index];
  }
  return [line, parts.length];
}
