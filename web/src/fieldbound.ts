// Bounded text fields: what does not fit is refused (a paste or drop with a sentence saying so), counted in
// characters as the server counts them (code points, Python's `len`, pydantic's `max_length`), not the browser's
// UTF-16 units. Left to `maxlength`, a paste is cut at the bound without a word (a pasted explanation lost its end,
// and the candidate sent it believing it whole), and an emoji counts twice (2,500 of them, which the agent keeps
// whole, were refused as "5,000 characters").

/** The most characters one typed message to the interviewer holds: what the agent keeps of one whole
 * (agent/turns.py MAX_TYPED_CHARS; tests/web/test_snapshot_bound.py keeps the two equal). A pasted function fits. */
export const CHAT_MAX_CHARS = 4_000;

/** The most characters an accommodation request's message holds: the API's bound (api/routers/interviews.py
 * AccommodationBody.message, `max_length=2000`). */
export const ACCOMMODATION_MAX_CHARS = 2_000;

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** How many characters `text` is as the server counts them: code points (an emoji is one, not two UTF-16 units). */
export function charCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone surrogate is one, as Python counts it.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** What is said when `chars` characters do not fit in the `room` left of a field holding at most `max`. */
export function pasteTooLong(chars: number, room: number, max: number): string {
  const n = (x: number) => x.toLocaleString("en");
  const left = room > 0 ? `only ${n(room)} more fit here` : "the field is full";
  const what = chars === 1 ? "1 character" : `${n(chars)} characters`;
  return `Not added: that text is ${what}, and ${left} (at most ${n(max)}). Add a shorter part.`;
}

/** How many characters `text` takes in `field` once inserted: line breaks count one each (a textarea keeps them as
 * "\n"), and a single-line input drops them. */
function insertedLength(field: TextField, text: string): number {
  const lines = text.replace(/\r\n?/g, "\n");
  return charCount(field instanceof HTMLTextAreaElement ? lines : lines.replace(/\n/g, ""));
}

/** Hold `field` to `max` characters (code points): a paste, drop or typed text that does not fit is refused (nothing
 * is inserted, so what was copied is still whole on the clipboard) and `say` says why. What fits goes in as the
 * browser inserts it. The field's `maxlength` is set to twice the bound, in UTF-16 units: a backstop for what cannot
 * be refused (an IME composition) that no text within the bound reaches. */
export function refuseOverlong(field: TextField, max: number, say: (message: string) => void): void {
  field.maxLength = 2 * max;
  const check = (event: Event, text: string, replacesSelection: boolean): void => {
    if (!text) return;
    const value = field.value;
    const start = field.selectionStart ?? value.length;
    const end = field.selectionEnd ?? start;
    const selected = value.slice(Math.min(start, end), Math.max(start, end));
    // A paste or typed text replaces the selection; a drop inserts at the drop point, unless it moves the selection.
    const replaced = replacesSelection || selected === text ? charCount(selected) : 0;
    const room = Math.max(0, max - (charCount(value) - replaced));
    const chars = insertedLength(field, text);
    if (chars <= room) return;
    event.preventDefault();
    say(pasteTooLong(chars, room, max));
  };
  const el: HTMLElement = field;
  el.addEventListener("paste", (e) => check(e, e.clipboardData?.getData("text/plain") ?? "", true));
  el.addEventListener("drop", (e) => check(e, e.dataTransfer?.getData("text/plain") ?? "", false));
  el.addEventListener("beforeinput", (e) => {
    // Paste and drop were weighed by their own events (with the clipboard's text); compositions cannot be cancelled.
    const type = e.inputType;
    if (!type.startsWith("insert") || type === "insertFromPaste" || type === "insertFromDrop") return;
    if (type === "insertCompositionText") return;
    const text =
      type === "insertLineBreak" || type === "insertParagraph"
        ? "\n"
        : (e.data ?? e.dataTransfer?.getData("text/plain") ?? "");
    check(e, text, true);
  });
}
