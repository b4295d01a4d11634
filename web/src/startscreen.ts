// The device check's screen and the start: the microphone and speaker checked, then the interview started by voice
// or, where the organisation allows it, without; a start whose answer was lost enters the interview all the same.
import { type ApiClient, ApiError, type JoinResponse, retryAfterMs } from "./api";
import { DeviceCheck } from "./devicecheck";
import { byId } from "./dom";
import { enterInterview } from "./interview";
import { linkRefused, startNotice } from "./messages";
import { leave } from "./noticescreen";
import { page } from "./pagestate";
import { gatewayLost } from "./pendingrun";
import { currentScreen, showScreen } from "./screens";
import { type HeldStep, holdStep, statusLine } from "./stepbutton";
import {
  askConsent,
  changedNotice,
  FETCHING_NOTICE,
  NOTICE_REPLACED,
  renderWelcome,
  UPDATING_HOLD_MS,
} from "./welcome";

export function deviceFlow(api: ApiClient, joined: JoinResponse): void {
  showScreen("device-check");
  const check = new DeviceCheck();
  check.bind();
  page.whenOver = (notice) => {
    check.release();
    leave(notice);
  };
  let entered = false;
  let agreedTo = joined; // the view whose notice the candidate agreed to (or that the server said was agreed to)
  const enter = (started: JoinResponse, voice: boolean, fresh: boolean) => {
    if (entered) return; // a start answered after the watch found the interview running, or the other way round
    entered = true;
    page.tabs?.started();
    const deviceId = check.deviceId;
    check.release();
    enterInterview(api, started, { voice, deviceId, fresh });
  };
  // A start can land with its answer lost (a dropped connection, a proxy's time-out), or another tab can start the
  // interview: its clock runs, so the page goes into it once the watch sees it running, rather than leaving the
  // candidate on this screen with "try again" while the time goes.
  page.whenSeen = (fresh) => {
    page.clock.setSession(fresh.session);
    if (fresh.session.status === "in_progress" && fresh.question && currentScreen() === "device-check") {
      enter(fresh, fresh.session.start_mode !== "text", false);
    } else if (!entered) offer(fresh);
  };
  const startText = byId<HTMLButtonElement>("start-text");
  const startVoice = byId<HTMLButtonElement>("start-voice");
  // What the device check offers follows the newest view of the session, as the start's rules on the server do: an
  // organisation that allows (or stops allowing) the interview without voice, or a session made text-only, while
  // this screen shows. Before, the view the page opened with held, so a candidate who had just agreed to a notice
  // saying they could do the interview without voice was not offered it (nor told of it when the microphone failed).
  let textAllowed = false;
  const offer = (view: JoinResponse) => {
    textAllowed = view.organization.allow_text_only;
    const textFirst = textAllowed && view.session.text_only;
    if (!textAllowed && document.activeElement === startText) startVoice.focus(); // never focus on a hidden button
    startText.hidden = !textAllowed;
    startText.classList.toggle("primary", textFirst);
    startVoice.classList.toggle("primary", !textFirst);
    startText.textContent = textFirst ? "Start the interview without voice" : "Start without voice";
    startVoice.textContent = textFirst ? "Start with voice" : "Start the interview";
  };
  offer(joined);
  const startStatus = statusLine("start-status", startVoice.closest(".actions") ?? startVoice);
  let starting = false; // one start at a time: the buttons are disabled while it is out, and this holds too
  let holding: HeldStep | null = null; // the start's held step, while it is out
  const start = async (mode: "voice" | "text") => {
    if (starting || entered) return;
    starting = true;
    holding = null;
    try {
      await startOnce(mode);
    } catch (error) {
      // What the start did not expect (the microphone opened, then its device list could not be read): the step
      // comes back with the reason. Before, both buttons stayed disabled and busy, "Opening the microphone…" for
      // good.
      const held = holding as HeldStep | null;
      if (!entered) {
        byId("start-problem").textContent = startNotice(error);
        held?.giveBack();
      }
    } finally {
      starting = false;
    }
  };
  const startOnce = async (mode: "voice" | "text") => {
    byId("start-problem").textContent = "";
    // Disabled while the start is out, its status line saying so; given back with focus on the button pressed when
    // it fails (web/src/stepbutton.ts).
    const voiceFirst = mode === "voice" && !check.ready;
    const held = holdStep([startVoice, startText], mode === "voice" ? startVoice : startText, byId("mic-request"), {
      line: startStatus,
      text: voiceFirst ? OPENING_MIC : STARTING,
    });
    holding = held;
    // A voice interview starts only with a microphone that opens: started without one, its clock would run while
    // the interviewer cannot hear the candidate. Opening it here (if the check was skipped) shows what to fix.
    if (voiceFirst && !(await check.open(check.deviceId))) {
      held.giveBack();
      byId("start-problem").textContent = micNeeded(textAllowed);
      byId("mic-fix").scrollIntoView?.({ block: "nearest" });
      return;
    }
    held.say(STARTING);
    try {
      const started = await api.start(joined.session.id, mode);
      held.done();
      enter(started, mode === "voice", true);
    } catch (error) {
      if (entered) return held.done();
      const refused = linkRefused(error);
      if (refused) {
        held.done();
        check.release(); // the microphone's light goes off with the screen that used it
        return leave(refused);
      }
      if (error instanceof ApiError && (error.code === "notice_changed" || error.code === "consent_required")) {
        const replaced = error.code === "notice_changed";
        return agreeAgain(held, replaced ? NOTICE_REPLACED : CONSENT_NEEDED, replaced);
      }
      byId("start-problem").textContent = startNotice(error);
      // Unanswered (the network, or a gateway in front of the API gave up on it): it may have started all the same.
      if (error instanceof ApiError && (error.network || gatewayLost(error))) page.sessionWatch?.soon();
      // Busy (429/503 with Retry-After): the buttons come back once the wait the server named is over.
      held.giveBack(retryAfterMs(error) ?? 0);
    }
  };
  // The consent the start needs is to the notice in force: one given to a version since replaced (or none the server
  // has) is asked again on the welcome, with the current text, then this screen comes back as it was (the
  // microphone chosen stays open) to start from. Before, "Agree to the notice first." showed here with no notice.
  const agreeAgain = async (held: HeldStep, why: string, replaced: boolean): Promise<void> => {
    let fresh: JoinResponse | null;
    try {
      // A replaced notice: the text agreed to is not the one to show again. During a rolling deploy the join can be
      // answered by the release whose notice was agreed to, and the page had gone back to the welcome with that same
      // text ("The notice changed…"), its agreement landing where the start is refused, for as long as it ran.
      if (replaced) held.say(FETCHING_NOTICE);
      fresh = replaced ? await changedNotice(api, agreedTo.notice, new Set([agreedTo.notice.html])) : await api.join();
    } catch (error) {
      const refused = linkRefused(error);
      if (refused) {
        held.done();
        check.release();
        return leave(refused);
      }
      byId("start-problem").textContent = startNotice(error);
      return held.giveBack(retryAfterMs(error) ?? 0);
    }
    if (fresh === null) {
      byId("start-problem").textContent = START_UPDATING;
      return held.giveBack(UPDATING_HOLD_MS);
    }
    renderWelcome(fresh);
    showScreen("welcome");
    byId("welcome-notice").scrollIntoView?.({ block: "start" });
    const agreed = await askConsent(
      api,
      fresh,
      (notice) => {
        check.release();
        leave(notice);
      },
      why,
    );
    agreedTo = agreed;
    offer(agreed);
    // As after the first agreement (web/src/main.ts): the notice may have been read long enough for the interview to
    // be started elsewhere, so no time is shown until the server has said whether it runs.
    page.clock.forgetUnstarted();
    page.sessionWatch?.soon();
    showScreen("device-check");
    byId("start-problem").textContent = AGREED_AGAIN;
    held.giveBack();
  };
  startVoice.addEventListener("click", () => void start("voice"));
  startText.addEventListener("click", () => void start("text"));
}

/** Said on the device check when the start found the notice agreed to replaced, but the servers still hand out
 * that same text (a rolling deploy: replicas of two releases answer in turn). */
export const START_UPDATING =
  "The interview service is being updated, so the interview has not started yet (its clock has not started " +
  "either). Press Start again in a few seconds.";
/** Said on the device check's status line while the start is out (up to the 20 s bound of a request). */
const STARTING = "Starting the interview…";
/** Said on the device check once the current notice is agreed to after the start found an older one agreed to. */
export const AGREED_AGAIN = "Your agreement is saved. The interview has not started: start it when you are ready.";
/** Said on the welcome when the start found no consent stored (the notice is asked for, as before a first start). */
const CONSENT_NEEDED = "Agree to the notice before the interview starts: read it, then tick the box.";
/** Said there first when a voice start opens the microphone (the check was skipped or failed). */
const OPENING_MIC = "Opening the microphone…";

/** Said when a voice start is held back because the microphone could not be opened. */
function micNeeded(textAllowed: boolean): string {
  return (
    "The interview has not started (its clock has not started either): your microphone could not be used, so the " +
    "interviewer would not hear you. Fix the microphone as described above" +
    (textAllowed ? ", or start without voice" : ", or request an accommodation below") +
    "."
  );
}
