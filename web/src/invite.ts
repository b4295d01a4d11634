// The invite token: read from the URL fragment once, removed from the address bar, kept for reloads of this tab.

const STORAGE_KEY = "shadows.invite";

/** The invite in a fragment such as `#invite=abc`; null when absent or empty. */
export function parseInviteFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  const invite = params.get("invite")?.trim();
  return invite ? invite : null;
}

/** The address without its fragment: what stays in the address bar and the history. */
export function withoutFragment(href: string): string {
  const url = new URL(href);
  url.hash = "";
  return url.pathname + url.search;
}

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: reloads will need the link again
  }
}

/**
 * Take the invite from the fragment (then strip it with history.replaceState so it is not left in the address bar,
 * the history or a copied link), or fall back to this tab's sessionStorage after a reload.
 */
export function takeInvite(): string | null {
  const fromHash = parseInviteFragment(window.location.hash);
  if (fromHash) {
    window.history.replaceState(window.history.state, "", withoutFragment(window.location.href));
    try {
      storage()?.setItem(STORAGE_KEY, fromHash);
    } catch {
      // storage full or refused: this page opens the interview; a reload will need the link again
    }
    return fromHash;
  }
  return storage()?.getItem(STORAGE_KEY) ?? null;
}

/** Forget the invite (it was refused: malformed, unknown, expired or finished): kept nowhere a reload reads it from,
 * this tab's storage or the address (the fragment is already off it once taken; this holds if it came back). */
export function forgetInvite(): void {
  try {
    storage()?.removeItem(STORAGE_KEY);
  } catch {
    // storage refused: nothing was kept there
  }
  if (parseInviteFragment(window.location.hash) !== null)
    window.history.replaceState(window.history.state, "", withoutFragment(window.location.href));
}
