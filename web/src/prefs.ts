// The candidate's display preferences, kept in this browser: editor font size and light/dark theme (by default
// the theme follows the system's prefers-color-scheme until the candidate picks one).

export type Theme = "light" | "dark";

const FONT_KEY = "shadows.fontSize";
const THEME_KEY = "shadows.theme";
export const FONT_SIZES = [12, 14, 16, 18, 20] as const;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** Keep a preference if the browser lets us: a full or refused storage (private windows, blocked site data) must not
 * stop the change itself from applying. */
function keep(key: string, value: string): void {
  try {
    storage()?.setItem(key, value);
  } catch {
    // not kept: the choice lasts for this page
  }
}

export function loadFontSize(): number {
  const value = Number(storage()?.getItem(FONT_KEY));
  return (FONT_SIZES as readonly number[]).includes(value) ? value : 14;
}

export function saveFontSize(px: number): void {
  keep(FONT_KEY, String(px));
}

/** The chosen theme, or null to follow the system. */
export function chosenTheme(): Theme | null {
  const value = storage()?.getItem(THEME_KEY);
  return value === "light" || value === "dark" ? value : null;
}

export function systemTheme(): Theme {
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function effectiveTheme(): Theme {
  return chosenTheme() ?? systemTheme();
}

export function chooseTheme(theme: Theme): void {
  keep(THEME_KEY, theme);
}
