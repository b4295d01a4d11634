// The candidate page: open the interview from the invite, then welcome and consent, the device check and the start
// (web/src/startscreen.ts), and the interview itself (web/src/interview.ts); a notice when it cannot be opened.
import "./styles.css";
import { ApiClient, ApiError, type JoinResponse, retryAfterMs } from "./api";
import { embeddedSlug } from "./embed";
import { enterInterview } from "./interview";
import { forgetInvite, takeInvite } from "./invite";
import { inviteUnusable, joinNotice, NO_INVITE } from "./messages";
import { leave, showNotice } from "./noticescreen";
import { page } from "./pagestate";
import { effectiveTheme } from "./prefs";
import { bindSkipLink, currentScreen, showScreen } from "./screens";
import { sweepLocal } from "./localcopy";
import { SessionWatch } from "./sessionwatch";
import { deviceFlow } from "./startscreen";
import { TabSignal } from "./tabsignal";
import { askConsent, bindAccommodation, renderBrand, renderWelcome } from "./welcome";

function setOwnTabLink(invite: string): void {
  // The way out of an iframe that blocks the microphone: the same interview at /join in a new tab.
  document.addEventListener("click", (e) => {
    const link = (e.target as HTMLElement | null)?.closest<HTMLAnchorElement>("#open-own-tab");
    if (link) link.href = `/join#invite=${encodeURIComponent(invite)}`;
  });
}

let onlineRetry: (() => void) | null = null;

/** Run `retry` once, when the browser reports the network back, if the notice is still showing then. */
function whenOnline(retry: () => void): void {
  if (onlineRetry) window.removeEventListener("online", onlineRetry);
  onlineRetry = () => {
    onlineRetry = null;
    if (currentScreen() === "notice") retry();
  };
  window.addEventListener("online", onlineRetry, { once: true });
}

async function open(api: ApiClient, invite: string): Promise<void> {
  if (onlineRetry) window.removeEventListener("online", onlineRetry); // opening now: no second one when online
  onlineRetry = null;
  let joined: JoinResponse;
  try {
    joined = await api.join();
  } catch (error) {
    const notice = joinNotice(error);
    // Forgotten only when the API refused the link itself (malformed, unknown, expired, cancelled, over, erased), so
    // a reload does not send it again. A refusal from something in front of it (a proxy's, a CDN's or a firewall's
    // own error page) says nothing of the link, and the address bar no longer holds it: forgotten, a reload once that
    // had passed asked for the e-mail's link again.
    if (inviteUnusable(error)) forgetInvite();
    showNotice(notice, () => void open(api, invite), retryAfterMs(error));
    // No network: opened again by itself as soon as the browser is back online (Try again still works before).
    if (error instanceof ApiError && error.network) whenOnline(() => void open(api, invite));
    return;
  }
  const slug = embeddedSlug(window.location.pathname);
  if (slug !== null && joined.organization.slug !== slug) {
    showNotice({
      title: "This interview link belongs to another page",
      detail: "Open the link from your invitation e-mail.",
      retryable: false,
    });
    return;
  }
  renderBrand(joined);
  page.clock.setSession(joined.session);
  page.sessionWatch?.stop();
  page.sessionWatch = new SessionWatch(() => api.join(), {
    seen: (fresh) => page.whenSeen(fresh),
    over: (notice, error) => page.whenOver(notice, error),
  });
  page.sessionWatch.start();
  page.tabs?.close();
  page.tabs = new TabSignal(
    joined.session.id,
    () => {
      if (page.clock.started) return;
      page.clock.forgetUnstarted(); // "45:00" would be the full time of an interview whose time already runs
      page.sessionWatch?.soon();
    },
    undefined,
    (news) => page.whenTabNews(news),
  );
  bindAccommodation(api, joined.session.id);
  setOwnTabLink(invite);
  if (joined.session.status === "in_progress" && joined.question) {
    enterInterview(api, joined, { voice: joined.session.start_mode !== "text", fresh: false });
    return;
  }
  if (!joined.consented) {
    renderWelcome(joined);
    showScreen("welcome");
    // The view whose notice was agreed to: after a changed notice (the organisation now allows the interview without
    // voice, say), the one that stated it, not the view the page opened with.
    joined = await askConsent(api, joined, leave);
    renderBrand({ ...joined, consented: true }); // the logo, now that the candidate has agreed
    // The notice may have been read for minutes, long enough for the interview to be started on another device: the
    // device check shows no time until the server has said whether it runs (then it goes into it, or shows the full
    // time), rather than the full time of a view taken before the reading.
    page.clock.forgetUnstarted();
    page.sessionWatch?.soon();
  }
  deviceFlow(api, joined);
}

page.whenOver = (notice) => leave(notice); // before the interview there is nothing to keep: the notice says why
// Reasons to ask about the session at once rather than at its next check: the page is shown again, the network is back.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") page.sessionWatch?.soon();
});
window.addEventListener("online", () => page.sessionWatch?.soon());
// A start on another device reaches this page only by a check (nothing is pushed to it before the interview): before
// the start, the candidate turning to the page (its window focused, a click, a key) asks at once, so what it shows is
// the server's when looked at, not up to 15 s old. In the interview its saves and the call keep it up to date.
const turnedTo = () => {
  if (!page.clock.started) page.sessionWatch?.glance();
};
window.addEventListener("focus", turnedTo);
document.addEventListener("pointerdown", turnedTo, true);
document.addEventListener("keydown", turnedTo, true);
document.documentElement.dataset.theme = effectiveTheme();
if (embeddedSlug(window.location.pathname) !== null) document.body.classList.add("embedded");
const invite = takeInvite();
sweepLocal(); // unsaved code kept by a page closed more than a day ago: never given back, so not kept either
bindSkipLink();
page.clock.start();
if (invite) void open(new ApiClient(invite), invite);
else showNotice(NO_INVITE);
