// The screens that end a visit to the page: the notice (why the interview cannot be opened or went on, with Try
// again where that can help, held while the server asks for a wait) and the "thank you" once it has ended.
import { announce } from "./announce";
import { type JoinResponse, waitWords } from "./api";
import { byId } from "./dom";
import { forgetInvite } from "./invite";
import type { Notice } from "./messages";
import { monotonicNow } from "./monotonic";
import { page } from "./pagestate";
import { showScreen } from "./screens";
import { theirs } from "./welcome";

let noticeWait: number | null = null;

/** `waitMs`: the server asked for that long before a retry (429 or 503 with `Retry-After`). The notice says so and
 * Try again stays disabled until it is over, counting down, so nobody is invited to ask again and again into a
 * limit that only resets if they stop. */
export function showNotice(notice: Notice, retry?: () => void, waitMs: number | null = null): void {
  page.sessionWatch?.stop();
  byId("topbar-call").hidden = true;
  byId("notice-title").textContent = notice.title;
  byId("notice-detail").textContent = notice.detail; // the wait, in words, when the server named one
  const button = byId<HTMLButtonElement>("notice-retry");
  button.hidden = !(notice.retryable && retry);
  button.onclick = retry ? () => retry() : null;
  if (noticeWait !== null) window.clearInterval(noticeWait);
  noticeWait = null;
  button.disabled = false;
  button.textContent = "Try again";
  if (notice.retryable && retry && waitMs !== null && waitMs > 0) {
    const until = monotonicNow() + waitMs;
    button.disabled = true;
    const tick = () => {
      const left = until - monotonicNow();
      if (left <= 0) {
        if (noticeWait !== null) window.clearInterval(noticeWait);
        noticeWait = null;
        button.disabled = false;
        button.textContent = "Try again";
        announce("You can try again now."); // a screen reader hears the wait is over, not only a button's label
      } else button.textContent = `Try again (in ${waitWords(left)})`;
    };
    tick();
    noticeWait = window.setInterval(tick, 1000);
  }
  document.title = `${notice.title} · Shadows`;
  showScreen("notice");
}

export function showFinished(joined: JoinResponse, detail?: string): void {
  page.sessionWatch?.stop();
  byId("topbar-call").hidden = true;
  const org = joined.organization.name;
  if (detail) byId("finished-detail").textContent = detail;
  else
    byId("finished-detail").replaceChildren(
      "Thank you. ",
      org ? theirs(org) : "The hiring team",
      " receives a report of the interview; a person there reads it and decides the next step, " +
        "and they will contact you. You can close this page.",
    );
  document.title = "Interview ended · Shadows";
  showScreen("finished");
}

/** The link can no longer be used (cancelled, expired, over): say why instead of the screen, and forget it. */
export function leave(notice: Notice): void {
  forgetInvite();
  showNotice(notice);
}
