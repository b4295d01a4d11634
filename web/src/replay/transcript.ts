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
   *  (`span.hidden-char[data-code]`, api/templating.py), and before each of its lines the mark that keeps it the
   *  speaker's (`span.turn-mark`, api/report_lines.py): the words are matched as they were said, a hidden
   *  character's marker counting as its character and a line's mark as nothing, so that the grader's `where` (in
   *  the line as stored) is a place of them. `where`, else `occurrence`: which place of the quote the citation
   *  stands for (`findQuote`). */
  highlight(seq: number, quote: string, occurrence = 0, where: readonly [number, number] | null = null): boolean {
    this.clear();
    const text = this.list?.querySelector<HTMLElement>(`li[data-seq="${seq}"] .turn-text`);
    if (!text || !text.firstChild) return false;
    const parts: { node: ChildNode; start: number; length: number }[] = [];
    let said = "";
    for (const node of text.childNodes) {
      const piece = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? "") : hiddenChar(node);
      parts.push({ node, start: said.length, length: piece.length });
      said += piece;
    }
    const span = findQuote(said, quote, occurrence, where);
    if (!span) return false;
    const range = document.createRange();
    range.setStart(...boundary(text, parts, span[0], false));
    range.setEnd(...boundary(text, parts, span[1], true));
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

/** The character a hidden character's marker stands for ("" for any other element: a line's mark is no word). */
function hiddenChar(node: ChildNode): string {
  if (!(node instanceof HTMLElement) || !node.classList.contains("hidden-char")) return "";
  const code = Number.parseInt(node.dataset.code ?? "", 16);
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : "";
}

/** The DOM position of offset `at` of the line's said text: inside a text node, or beside a marker element. */
function boundary(
  line: HTMLElement,
  parts: { node: ChildNode; start: number; length: number }[],
  at: number,
  isEnd: boolean,
): [Node, number] {
  for (const [index, part] of parts.entries()) {
    const inside = isEnd ? at <= part.start + part.length : at < part.start + part.length;
    if (!inside) continue;
    if (part.node.nodeType === Node.TEXT_NODE) return [part.node, at - part.start];
    return [line, at > part.start ? index + 1 : index];
  }
  return [line, parts.length];
}
