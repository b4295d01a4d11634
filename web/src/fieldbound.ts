// Bounded text fields (their `maxlength`): a paste or drop that does not fit is refused with a sentence saying so.
// Left to the browser, it is cut at the bound without a word: a pasted explanation lost its end, and the candidate
// sent the cut message (or request) believing it whole.

/** The most characters one typed message to the interviewer holds: what the agent keeps of one whole
 * (agent/turns.py MAX_TYPED_CHARS; tests/web/test_snapshot_bound.py keeps the two equal). A pasted function fits. */
export const CHAT_MAX_CHARS = 4_000;

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** What is said when `chars` characters do not fit in the `room` left of a field holding at most `max`. */
export function pasteTooLong(chars: number, room: number, max: number): string {
  const n = (x: number) => x.toLocaleString("en");
  const left = room > 0 ? `only ${n(room)} more fit here` : "the field is full";
  return `Not added: that text is ${n(chars)} characters, and ${left} (at most ${n(max)}). Add a shorter part.`;
}

/** How many characters `text` takes in `field` once inserted: line breaks count one each (a textarea keeps them as
 * "\n"), and a single-line input drops them. */
function insertedLength(field: TextField, text: string): number {
  const lines = text.replace(/\r\n?/g, "\n");
  return (field instanceof HTMLTextAreaElement ? lines : lines.replace(/\n/g, "")).length;
}

/** Refuse a paste or drop into `field` that its `maxlength` would cut, and `say` why (nothing is inserted, so what
 * was copied is still whole on the clipboard). A text that fits goes in as the browser inserts it. */
export function refuseOverlong(field: TextField, say: (message: string) => void): void {
  const check = (event: Event, text: string): void => {
    const max = field.maxLength;
    if (max < 0 || !text) return;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    // A paste replaces the selection; a drop inserts at the drop point, unless it moves the selection itself.
    const selected = field.value.slice(Math.min(start, end), Math.max(start, end));
    const replaced = event.type === "paste" || selected === text ? selected.length : 0;
    const room = Math.max(0, max - (field.value.length - replaced));
    const chars = insertedLength(field, text);
    if (chars <= room) return;
    event.preventDefault();
    say(pasteTooLong(chars, room, max));
  };
  const el: HTMLElement = field;
  el.addEventListener("paste", (e) => check(e, e.clipboardData?.getData("text/plain") ?? ""));
  el.addEventListener("drop", (e) => check(e, e.dataTransfer?.getData("text/plain") ?? ""));
}
