// The custom-input arguments the candidate typed, kept in this tab's sessionStorage per interview, so a reload
// (or a crash of the tab) gives them back rather than the example they started from.

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
