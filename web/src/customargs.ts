// The custom-input arguments: the example they start from, and what the candidate typed, kept in this tab's
// sessionStorage per interview, so a reload (or a crash of the tab) gives it back rather than the example.

const PREFIX = "shadows.customArgs.";
/** More than the API takes for one call (16 KiB as stored): a longer field is not worth keeping. */
const MAX_FIELD = 64 * 1024;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the fields last for this page
  }
}

/** What was typed into each field (null: untouched), for `count` fields. */
export function loadCustomArgs(sessionId: string, count: number): (string | null)[] {
  let saved: unknown = null;
  try {
    saved = JSON.parse(storage()?.getItem(PREFIX + sessionId) ?? "null");
  } catch {
    // unreadable: start from the example
  }
  const list = Array.isArray(saved) ? saved : [];
  return Array.from({ length: count }, (_, i) => (typeof list[i] === "string" ? list[i] : null));
}

export function saveCustomArgs(sessionId: string, values: (string | null)[]): void {
  try {
    storage()?.setItem(PREFIX + sessionId, JSON.stringify(values.map((v) => (v && v.length <= MAX_FIELD ? v : null))));
  } catch {
    // storage full or disabled: the fields last for this page
  }
}

/** The longest argument copied from an example into a field, as JSON: longer reads as a wall of text. */
export const EXAMPLE_MAX_CHARS = 2_000;
/** The most UTF-8 bytes of JSON one example's arguments may take, all together: half of what the API takes for one
 * call (16 KiB as PostgreSQL writes it back, with a space after every separator, so at most twice this). */
export const EXAMPLE_MAX_BYTES = 8_192;

/** The arguments of the first visible example that fits the fields whole (each as JSON), or null when none does.
 * Never part of one: cut to fit, it is not JSON, and the Run it starts is refused. */
export function exampleArgs(tests: readonly { args?: unknown[] }[], count: number): string[] | null {
  for (const test of tests) {
    const args = test.args ?? [];
    if (args.length !== count) continue;
    const texts = args.map((arg) => JSON.stringify(arg) as string | undefined);
    if (texts.some((t) => t === undefined || t.length > EXAMPLE_MAX_CHARS)) continue;
    const bytes = texts.reduce((n, t) => n + new TextEncoder().encode(t).length, 0);
    if (bytes <= EXAMPLE_MAX_BYTES) return texts as string[];
  }
  return null;
}

/** Per scalar type: one value, a list, a list of lists (the bank's types go at most two arrays deep). */
const TYPE_EXAMPLES: Record<string, [string, string, string]> = {
  int: ["7", "[1, 2, 3]", "[[1, 2], [3, 4]]"],
  long: ["7", "[1, 2, 3]", "[[1, 2], [3, 4]]"],
  float: ["1.5", "[1.5, 2.5]", "[[1.5, 2.5], [3.5]]"],
  bool: ["true", "[true, false]", "[[true], [false]]"],
  string: ['"text"', '["a", "b"]', '[["a", "b"], ["c"]]'],
};

/** A short value of a signature's type, as JSON (`int[]`: "[1, 2, 3]"), to show what a field takes; null for a type
 * it does not know. */
export function typeExample(type: string): string | null {
  const match = /^([a-z]+)((?:\[\])*)$/.exec(type);
  return (match && TYPE_EXAMPLES[match[1]]?.[match[2].length / 2]) ?? null;
}
