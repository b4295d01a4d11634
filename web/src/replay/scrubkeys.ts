// The replay's position from the keyboard. The scrubber is a range input of any value (a pointer places it as finely
// as it can; a step of 0.1 s kept the record's last moment out of reach), and a browser moves a range by its step
// for each arrow key and by a tenth of its range for Page Up and Page Down: on a 45-minute interview with
// a 0.1 s step an arrow moved the replay 0.1 s (600 presses to go a minute on) and Page Up 4.5 minutes, so no moment
// between was in a keyboard's reach. The keys move it by whole seconds instead, whatever the interview's length;
// Home and End stay the browser's (the start and the end, exactly).

/** Seconds an arrow key moves the replay. */
export const ARROW_STEP_S = 5;
/** Seconds Page Up and Page Down (or Shift and an arrow) move it. */
export const PAGE_STEP_S = 60;

export interface ScrubKey {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** Where `key` moves a replay at `time` of `duration` seconds, or null for a key the browser keeps. */
export function scrubTarget(key: ScrubKey, time: number, duration: number): number | null {
  if (key.altKey || key.ctrlKey || key.metaKey) return null;
  const arrow = key.shiftKey ? PAGE_STEP_S : ARROW_STEP_S;
  const moves: Record<string, number> = {
    ArrowRight: arrow,
    ArrowUp: arrow,
    ArrowLeft: -arrow,
    ArrowDown: -arrow,
    PageUp: PAGE_STEP_S,
    PageDown: -PAGE_STEP_S,
  };
  const move = moves[key.key];
  if (move === undefined) return null;
  return Math.min(Math.max(0, time + move), Math.max(0, duration));
}
