// Keeps the server-rendered transcript in step with the replay: the turn at the replay's moment is marked and
// scrolled into view inside the transcript's own scroll box (the page does not jump), and cited words are marked.
import { findQuote } from "./model";

export class TranscriptSync {
  private readonly turns: HTMLElement[];
  private current: HTMLElement | null = null;

  constructor(private readonly list: HTMLElement | null) {
    this.turns = list ? [...list.querySelectorAll<HTMLElement>("li.turn[data-t]")] : [];
  }

  /** Mark the last turn that started at or before `t`. */
  follow(t: number): void {
    let found: HTMLElement | null = null;
    for (const turn of this.turns) {
      if (Number(turn.dataset.t) <= t + 1e-6) found = turn;
      else break;
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

  /** Mark the quoted words in transcript line `seq` (clearing earlier marks); false when they are not there. */
  highlight(seq: number, quote: string): boolean {
    this.clear();
    const text = this.list?.querySelector<HTMLElement>(`li[data-seq="${seq}"] .turn-text`);
    const node = text?.firstChild;
    if (!text || !node || node.nodeType !== Node.TEXT_NODE) return false;
    const span = findQuote(node.textContent ?? "", quote);
    if (!span) return false;
    const range = document.createRange();
    range.setStart(node, span[0]);
    range.setEnd(node, span[1]);
    const mark = document.createElement("mark");
    mark.className = "evidence-hit";
    range.surroundContents(mark);
    const turn = text.closest<HTMLElement>("li");
    if (turn) this.scrollTo(turn);
    return true;
  }

  clear(): void {
    for (const mark of this.list?.querySelectorAll("mark.evidence-hit") ?? []) {
      const parent = mark.parentNode;
      if (!parent) continue;
      parent.replaceChild(document.createTextNode(mark.textContent ?? ""), mark);
      parent.normalize();
    }
  }
}
