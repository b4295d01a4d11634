// The candidate page: open the interview from the invite, then welcome and consent, the device check, the start
// (by voice, or without voice where allowed), and the interview itself: problem, workspace, call and clock.
import "./styles.css";
import { AgentWatch } from "./agentwatch";
import { announce } from "./announce";
import { ApiClient, ApiError, type JoinResponse, retryAfterMs, waitWords } from "./api";
import type { CallController, CallStatus } from "./call";
import { CallPanel } from "./callpanel";
import { DeviceCheck } from "./devicecheck";
import { confirmAction } from "./dialog";
import { byId } from "./dom";
import { embeddedSlug, inFrame, microphoneAllowed, MISSING_ALLOW } from "./embed";
import { completeInterview } from "./ending";
import { EventFeed } from "./feed";
import { IntegrityObserver, watchPage } from "./integrity";
import { forgetInvite, takeInvite } from "./invite";
import { Layout } from "./layout";
import { monotonicNow } from "./monotonic";
import {
  alreadyOver,
  endedElsewhere,
  joinNotice,
  linkRefused,
  NO_INVITE,
  type Notice,
  startNotice,
  stepFailure,
} from "./messages";
import { effectiveTheme } from "./prefs";
import { renderProblem } from "./problem";
import { bindSkipLink, currentScreen, setSkipTarget, showScreen } from "./screens";
import { sweepLocal } from "./localcopy";
import { SessionWatch } from "./sessionwatch";
import { type HeldStep, holdStep, statusLine } from "./stepbutton";
import { type TabNews, TabSignal } from "./tabsignal";
import type { InterviewEvent } from "./protocol";
import type { RunReport } from "./api";
import { InterviewClock } from "./timer";
import { askConsent, bindAccommodation, renderBrand, renderWelcome, theirs } from "./welcome";
import { Workspace } from "./workspace";

/** How long End interview waits for the interviewer's goodbye before completing the session itself. */
const GOODBYE_WAIT_MS = 20_000;

let noticeWait: number | null = null;

/** Keeps up with the session while the page is open (web/src/sessionwatch.ts): a cancel or an end decided elsewhere
 * is learnt within seconds, not at the next save or Run. Stopped on the notice and the end screens. */
let sessionWatch: SessionWatch | null = null;
/** The other tabs of this interview in this browser (web/src/tabsignal.ts): one that goes into the running interview
 * says so, and the others ask the server at once instead of showing the full time until their next check. */
let tabs: TabSignal | null = null;
/** What the page does when another tab of this interview comes to the front or goes: the interview's integrity
 * watch (web/src/integrity.ts) leaves the absence to the tab in front. */
let whenTabNews: (news: TabNews) => void = () => undefined;
/** What the page does when the watch learns that the link can no longer be used. Before the interview there is
 * nothing to keep: the notice says why. In it, enterInterview keeps the workspace on screen instead. */
let whenOver: (notice: Notice, error: ApiError) => void = (notice) => leave(notice);
/** What the page does with the session as the watch reads it: extra time given meanwhile moves the clock. The device
 * check also enters an interview that started meanwhile (a start whose answer was lost, another tab's). */
let whenSeen: (fresh: JoinResponse) => void = (fresh) => clock.setSession(fresh.session);

/** `waitMs`: the server asked for that long before a retry (429 or 503 with `Retry-After`). The notice says so and
 * Try again stays disabled until it is over, counting down, so nobody is invited to ask again and again into a
 * limit that only resets if they stop. */
function showNotice(notice: Notice, retry?: () => void, waitMs: number | null = null): void {
  sessionWatch?.stop();
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

function showFinished(joined: JoinResponse, detail?: string): void {
  sessionWatch?.stop();
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
function leave(notice: Notice): void {
  forgetInvite();
  showNotice(notice);
}

function setOwnTabLink(invite: string): void {
  // The way out of an iframe that blocks the microphone: the same interview at /join in a new tab.
  document.addEventListener("click", (e) => {
    const link = (e.target as HTMLElement | null)?.closest<HTMLAnchorElement>("#open-own-tab");
    if (link) link.href = `/join#invite=${encodeURIComponent(invite)}`;
  });
}

function deviceFlow(api: ApiClient, joined: JoinResponse): void {
  showScreen("device-check");
  const check = new DeviceCheck();
  check.bind();
  whenOver = (notice) => {
    check.release();
    leave(notice);
  };
  let entered = false;
  const enter = (started: JoinResponse, voice: boolean, fresh: boolean) => {
    if (entered) return; // a start answered after the watch found the interview running, or the other way round
    entered = true;
    tabs?.started();
    const deviceId = check.deviceId;
    check.release();
    enterInterview(api, started, { voice, deviceId, fresh });
  };
  // A start can land with its answer lost (a dropped connection, a proxy's time-out), or another tab can start the
  // interview: its clock runs, so the page goes into it once the watch sees it running, rather than leaving the
  // candidate on this screen with "try again" while the time goes.
  whenSeen = (fresh) => {
    clock.setSession(fresh.session);
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
      byId("start-problem").textContent = startNotice(error);
      if (error instanceof ApiError && error.network) sessionWatch?.soon(); // it may have started all the same
      // Busy (429/503 with Retry-After): the buttons come back once the wait the server named is over.
      held.giveBack(retryAfterMs(error) ?? 0);
    }
  };
  startVoice.addEventListener("click", () => void start("voice"));
  startText.addEventListener("click", () => void start("text"));
}

/** Said on the device check's status line while the start is out (up to the 20 s bound of a request). */
const STARTING = "Starting the interview…";
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

interface EnterOptions {
  voice: boolean;
  deviceId?: string;
  /** Started just now by a click (audio may play); false after a reload. */
  fresh: boolean;
}

function enterInterview(api: ApiClient, joined: JoinResponse, opts: EnterOptions): void {
  const { session, question } = joined;
  if (!question) throw new Error("the question arrives with the start");
  byId("topbar-call").hidden = false;
  renderProblem(question);
  clock.setSession(session); // counts down from started_at + duration + extra time

  let call: CallController | null = null; // created when the call is first needed
  const workspace = new Workspace(api, joined, () => void call?.pushSnapshot(true));
  workspace.beforeRun = () => call?.scheduler.flush(); // the interviewer sees the code that is being run
  const layout = new Layout((narrow) => workspace.editor.setLineWrapping(narrow));
  // The skip link leads into the editor, bringing the Code pane forward where panes are tabs.
  setSkipTarget("app", () => {
    layout.show("code");
    workspace.editor.focus();
    return byId("editor").contains(document.activeElement);
  });
  layout.bind();
  showScreen("app", () => {
    // The problem's title where it shows (every pane from 1100 px); below, the selected pane's tab.
    const title = byId("question-title");
    const target =
      title.offsetParent !== null ? title : document.querySelector<HTMLElement>('.tabs [aria-selected="true"]');
    if (!target) return false;
    if (target === title) title.tabIndex = -1;
    target.focus();
    return document.activeElement === target;
  });
  void workspace.resume();

  const observer = new IntegrityObserver();
  workspace.editor.signals = {
    paste: (chars, lines) => {
      observer.paste(chars, lines);
      void call?.reportPaste(chars, lines); // the interviewer hears of the size only
    },
    inserted: (chars) => observer.inserted(chars),
  };
  watchPage(observer, (batch, keepalive) => api.reportIntegrity(session.id, batch, keepalive), {
    tell: (news) => tabs?.tell(news),
    listen: (listener) => (whenTabNews = listener),
  });
  if (inFrame() && microphoneAllowed() === false) {
    byId("embed-problem").textContent = MISSING_ALLOW;
    byId("embed-problem").hidden = false;
  }

  const feed = new EventFeed(byId("event-feed"));
  // The hints given before this page opened (a reload, a second tab), from the record; later checks add new ones.
  feed.given(joined.hints, false);
  whenSeen = (fresh) => {
    clock.setSession(fresh.session);
    feed.given(fresh.hints, true);
  };
  let ended = false;
  /** Ended elsewhere (cancelled, completed by the server, its time spent), learnt by the session watch or a refused
   * save: the workspace stays on screen with its code, rather than the "thank you" of an interview that ended here. */
  let overElsewhere = false;
  let sawEnded: (() => void) | null = null;
  const endLocally = () => {
    ended = true;
    sessionWatch?.stop();
    watch.stop(); // the interviewer leaves after its goodbye: not a reason to call it again
    workspace.end();
    byId<HTMLButtonElement>("end-interview").disabled = true;
  };
  const onEvent = (event: InterviewEvent): void => {
    feed.add(event);
    if (event.type === "test_report" && event.report) workspace.show(event.report as RunReport, "interviewer");
    if (event.type === "ended") {
      endLocally();
      sawEnded?.();
    }
  };

  let inCall = false;
  window.addEventListener("beforeunload", (e) => {
    if (inCall && !ended) e.preventDefault(); // leaving the page ends the call: ask first
  });
  const textAllowed = joined.organization.allow_text_only;
  const watch = new AgentWatch(joined.agent_join_timeout_s * 1000, {
    late: (left) =>
      panel.say(
        left
          ? "The interviewer left the call. We are calling them back…"
          : "The interviewer has not joined yet. We are calling them again…",
      ),
    redispatch: async () => {
      await api.redispatchAgent(session.id);
    },
    busy: (waitMs) =>
      panel.say(`The call service is busy. We will call the interviewer again in ${waitWords(waitMs)}…`),
    gaveUp: () => {
      panel.say(
        textAllowed
          ? "The interviewer could not join. You can continue without voice: your code, runs and submission count as usual."
          : "The interviewer could not join. Please ask the hiring team to reschedule with the link below; your code so far is saved.",
      );
      byId("call-text-only").hidden = !textAllowed;
    },
  });
  const panel = new CallPanel({
    onEvent,
    onAgentPresent: () => undefined,
    onAgentState: (state) => {
      const waited = watch.state === "late" || watch.state === "gave_up";
      watch.agent(state !== "absent");
      if (state !== "absent" && waited) {
        panel.say("The interviewer has joined.");
        byId("call-text-only").hidden = true;
      }
    },
    onStatus: (status: CallStatus) => {
      inCall = status === "connected" || status === "reconnecting";
      if (status === "connected") watch.connected(call?.agentPresent ?? false);
      else if (status !== "reconnecting") watch.disconnected();
      if (status === "ended" && ended && !overElsewhere) showFinished(joined);
      if (status === "ended" && !ended) sessionWatch?.soon(); // the room closed: cancelled, or ended elsewhere?
    },
  });
  // Learnt by the session watch or by a refused save: the interview is over for the server. The code stays on
  // screen, read-only, with why; the call, the clock and End interview stop.
  whenOver = (_notice, error) => workspace.over(endedElsewhere(error));
  workspace.onOver = () => {
    overElsewhere = true;
    endLocally();
    panel.close();
    clock.halt();
    document.title = "Interview ended · Shadows";
    void call?.leave();
    // Where panes are tabs, the Code pane comes forward: its banner says why, over the code. Focus left in a pane
    // hidden by that goes to the banner, not to nowhere.
    layout.show("code");
    const focused = document.activeElement as HTMLElement | null;
    if (focused && focused !== document.body && focused.offsetParent === null) {
      const banner = byId("ended-banner");
      banner.tabIndex = -1;
      banner.focus();
    }
  };
  let loading: Promise<CallController> | null = null;
  const loadCall = (): Promise<CallController> =>
    (loading ??= import("./call")
      .then(({ CallController }) => {
        call = new CallController(
          async (attempt) => {
            // The first attempt uses the start answer; later ones fetch a fresh token (the first may have expired).
            const fresh = attempt === 0 ? joined : await api.join();
            return { serverUrl: fresh.server_url, token: fresh.participant_token };
          },
          workspace.editor,
          panel,
          byId("audio-sink"),
        );
        call.microphoneDeviceId = opts.deviceId;
        return call;
      })
      .catch((error: unknown) => {
        loading = null; // let the next click try the download again
        throw error;
      }));
  panel.bind(loadCall);
  workspace.editor.onChange(() => call?.editorChanged());
  byId("call-text-only").addEventListener("click", () => {
    byId("call-text-only").hidden = true;
    void (call?.leave() ?? Promise.resolve()).then(() =>
      panel.say("You are continuing without voice. Write, run and submit your code as usual; the clock keeps running."),
    );
  });

  if (opts.voice && opts.fresh) {
    byId<HTMLButtonElement>("call-start").click(); // the Start click's user activation lets the audio play
  } else if (opts.voice) {
    byId("call-start").textContent = "Rejoin the call";
  } else {
    panel.say("You started without voice. You can still start the call at any time.");
  }

  // What the confirmation says of the code kept is true of this tab (web/src/ending.ts finalCodeWords): in a tab
  // whose code another tab replaced, the code saved last is kept, not "your current code".
  const confirmEnd = (kept: string) =>
    confirmAction({
      title: "End the interview?",
      detail: `The interviewer says goodbye and the interview is over: you cannot come back to it. ${kept}`,
      confirm: "End interview",
    });
  byId("end-interview").addEventListener("click", () => {
    void (async () => {
      const kept = workspace.finalWords;
      if (!(await confirmEnd(kept)) || ended) return;
      byId<HTMLButtonElement>("end-interview").disabled = true;
      sessionWatch?.stop(); // ending here: the end the watch would learn of is this one (and the goodbye plays on)
      await workspace.beforeEnd();
      // The last save, or the check of the server's drafts after it, may learn that another tab saved newer code (or
      // submitted): what is kept is not what was said, so the candidate is asked again, with what is kept now.
      if (workspace.finalWords !== kept && !ended && !(await confirmEnd(workspace.finalWords))) {
        if (!ended) {
          byId<HTMLButtonElement>("end-interview").disabled = false;
          sessionWatch?.start();
        }
        return;
      }
      // Listening before asking: the interviewer's `ended` may arrive before its RPC answer is read.
      const goodbye = new Promise<void>((resolve) => {
        sawEnded = resolve;
        window.setTimeout(resolve, GOODBYE_WAIT_MS);
      });
      const asked = call ? await call.requestEnd() : "unreachable";
      if (asked === "agent") panel.say("The interviewer is saying goodbye…");
      else if (asked === "chat") panel.say("The interviewer was asked to wrap up…");
      else if (call?.status === "connected") {
        panel.say("The interviewer could not be reached, so there is no goodbye. Ending the interview now…");
      }
      if (asked !== "unreachable") await goodbye;
      try {
        // None from a tab another one has saved newer code over; none either when the API cannot keep it.
        await completeInterview(api, session.id, workspace.finalCode, workspace.language);
      } catch (error) {
        // Already completed by the interviewer's own goodbye (or its time and grace spent): the outcome wanted.
        if (!alreadyOver(error)) {
          const refused = linkRefused(error); // cancelled meanwhile: ending it again cannot work
          if (refused) {
            endLocally();
            await call?.leave();
            return leave(refused);
          }
          // A busy server (429 or 503 with Retry-After) is not asked again sooner: the button waits with it.
          window.setTimeout(
            () => {
              if (!ended) byId<HTMLButtonElement>("end-interview").disabled = false;
            },
            retryAfterMs(error) ?? 0,
          );
          sessionWatch?.start();
          panel.say(stepFailure("The interview could not be ended", error));
          return;
        }
      }
      endLocally();
      await call?.leave();
      showFinished(joined);
    })();
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
    // Forgotten only when the API refused the link itself (invalid, expired, cancelled, over, erased). A refusal from
    // something in front of it (a proxy's, a CDN's or a firewall's own error page) says nothing of the link, and the
    // address bar no longer holds it: forgotten, a reload once that had passed asked for the e-mail's link again.
    if (linkRefused(error)) forgetInvite();
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
  clock.setSession(joined.session);
  sessionWatch?.stop();
  sessionWatch = new SessionWatch(() => api.join(), {
    seen: (fresh) => whenSeen(fresh),
    over: (notice, error) => whenOver(notice, error),
  });
  sessionWatch.start();
  tabs?.close();
  tabs = new TabSignal(
    joined.session.id,
    () => {
      if (clock.started) return;
      clock.forgetUnstarted(); // "45:00" would be the full time of an interview whose time already runs
      sessionWatch?.soon();
    },
    undefined,
    (news) => whenTabNews(news),
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
    clock.forgetUnstarted();
    sessionWatch.soon();
  }
  deviceFlow(api, joined);
}

const clock = new InterviewClock(null, byId("clock")); // "--:--" until the server's first view of the session
// Reasons to ask about the session at once rather than at its next check: the page is shown again, the network is back.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") sessionWatch?.soon();
});
window.addEventListener("online", () => sessionWatch?.soon());
// A start on another device reaches this page only by a check (nothing is pushed to it before the interview): before
// the start, the candidate turning to the page (its window focused, a click, a key) asks at once, so what it shows is
// the server's when looked at, not up to 15 s old. In the interview its saves and the call keep it up to date.
const turnedTo = () => {
  if (!clock.started) sessionWatch?.glance();
};
window.addEventListener("focus", turnedTo);
document.addEventListener("pointerdown", turnedTo, true);
document.addEventListener("keydown", turnedTo, true);
document.documentElement.dataset.theme = effectiveTheme();
if (embeddedSlug(window.location.pathname) !== null) document.body.classList.add("embedded");
const invite = takeInvite();
sweepLocal(); // unsaved code kept by a page closed more than a day ago: never given back, so not kept either
bindSkipLink();
clock.start();
if (invite) void open(new ApiClient(invite), invite);
else showNotice(NO_INVITE);
