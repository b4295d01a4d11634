// The custom-input pane's fields: one per parameter, named and typed as in the signature, filled with what the
// candidate typed (kept across a reload, web/src/customargs.ts) or the first example that fits, and read back as JSON.
import type { Question } from "./api";
import { announce } from "./announce";
import { exampleArgs, loadCustomArgs, saveCustomArgs, typeExample } from "./customargs";
import { byId, h } from "./dom";

type Params = Question["signature"]["params"];

/** Renders the fields of `question`'s parameters into the pane, and keeps what is typed into them per interview. */
export function renderCustomFields(question: Question, sessionId: string): void {
  const params = question.signature.params;
  // An example copied whole, as JSON, or none: one cut short to fit a field is not JSON, and its Run only failed.
  const example = exampleArgs(question.visible_tests, params.length);
  const typed = loadCustomArgs(sessionId, params.length); // given back after a reload
  byId("custom-fields").replaceChildren(
    ...(example
      ? []
      : [h("p", { class: "muted small" }, "The examples are too large to copy here: type your own arguments.")]),
    ...params.map((p, i) =>
      h(
        "div",
        { class: "custom-field" },
        h("label", { for: `custom-arg-${i}` }, `${p.name} `, h("span", { class: "muted" }, `(${p.type})`)),
        h("input", {
          id: `custom-arg-${i}`,
          type: "text",
          spellcheck: "false",
          autocomplete: "off",
          "aria-describedby": "custom-error",
          value: typed[i] ?? example?.[i] ?? "",
          placeholder: example ? null : typeExample(p.type) && `for example ${typeExample(p.type)}`,
        }),
      ),
    ),
  );
  byId("custom-fields").addEventListener("input", (e) => {
    const i = params.findIndex((_, n) => (e.target as HTMLElement | null)?.id === `custom-arg-${n}`);
    if (i < 0) return;
    typed[i] = (e.target as HTMLInputElement).value;
    saveCustomArgs(sessionId, typed);
  });
}

/** The arguments typed, parsed as JSON; null when one is empty or not JSON: said under the fields, the field marked
 * invalid and focused, and read out once. A field corrected since loses its mark. */
export function readCustomArgs(params: Params): unknown[] | null {
  const error = byId("custom-error");
  const args: unknown[] = [];
  for (let i = 0; i < params.length; i++) {
    const input = byId<HTMLInputElement>(`custom-arg-${i}`);
    try {
      args.push(JSON.parse(input.value));
      input.removeAttribute("aria-invalid");
    } catch {
      const example = typeExample(params[i].type) ?? '[1, 2, 3], 7 or "text"';
      error.textContent = input.value.trim()
        ? `${params[i].name} is not valid JSON (for example ${example}).`
        : `${params[i].name} is empty: type its value as JSON (for example ${example}).`;
      input.setAttribute("aria-invalid", "true");
      // Focus moving to the field reads it with its description, this text (`aria-describedby`); the live region says
      // it only where focus does not move (Enter pressed in that field), or a screen reader reads it twice.
      const moves = document.activeElement !== input;
      input.focus();
      if (!moves || document.activeElement !== input) announce(error.textContent);
      return null;
    }
  }
  error.textContent = "";
  return args;
}
