// Clipboard events for unit tests: jsdom has neither ClipboardEvent's data nor DataTransfer.

/** A paste (or drop) of `text` on `field`, as the browser fires it; whether the page refused it (its default). */
export function pasteInto(field: HTMLElement, text: string, type: "paste" | "drop" = "paste"): boolean {
  const event = new Event(type, { bubbles: true, cancelable: true });
  const data = { getData: (format: string) => (format === "text/plain" ? text : "") };
  Object.defineProperty(event, type === "paste" ? "clipboardData" : "dataTransfer", { value: data });
  field.dispatchEvent(event);
  return event.defaultPrevented;
}
