// The interview on screen: the problem, the workspace, the integrity watch, the event feed, the call with the
// interviewer (and what the page does when the interviewer does not join), the clock, and End interview.
import { AgentWatch } from "./agentwatch";
import { type ApiClient, type JoinResponse, retryAfterMs, type RunReport, waitWords } from "./api";
import type { CallController, CallStatus } from "./call";
import { CallPanel } from "./callpanel";
import { confirmAction } from "./dialog";
import { byId } from "./dom";
import { inFrame, microphoneAllowed, MISSING_ALLOW } from "./embed";
import { completeInterview } from "./ending";
import { EventFeed } from "./feed";
import { IntegrityObserver, watchPage } from "./integrity";
import { Layout } from "./layout";
import { alreadyOver, endedElsewhere, linkRefused, stepFailure } from "./messages";
import { leave, showFinished } from "./noticescreen";
import { page } from "./pagestate";
import { renderProblem } from "./problem";
import type { InterviewEvent } from "./protocol";
import { setSkipTarget, showScreen } from "./screens";
import { Workspace } from "./workspace";

/** How long End interview waits for the interviewer's goodbye before completing the session itself. */
const GOODBYE_WAIT_MS = 20_000;

export interface EnterOptions {
  voice: boolean;
  deviceId?: string;
  /** Started just now by a click (audio may play); false after a reload. */
  fresh: boolean;
}

export function enterInterview(api: ApiClient, joined: JoinResponse, opts: EnterOptions): void {
  const { session, question } = joined;
  if (!question) throw new Error("the question arrives with the start");
  byId("topbar-call").hidden = false;
  renderProblem(question);
  page.clock.setSession(session); // counts down from started_at + duration + extra time

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
    tell: (news) => page.tabs?.tell(news),
    listen: (listener) => (page.whenTabNews = listener),
  });
  if (inFrame() && microphoneAllowed() === false) {
    byId("embed-problem").textContent = MISSING_ALLOW;
    byId("embed-problem").hidden = false;
  }

  const feed = new EventFeed(byId("event-feed"));
  // The hints given before this page opened (a reload, a second tab), from the record; later checks add new ones.
  feed.given(joined.hints, false);
  page.whenSeen = (fresh) => {
    page.clock.setSession(fresh.session);
    feed.given(fresh.hints, true);
  };
  let ended = false;
  /** Ended elsewhere (cancelled, completed by the server, its time spent), learnt by the session watch or a refused
   * save: the workspace stays on screen with its code, rather than the "thank you" of an interview that ended here. */
  let overElsewhere = false;
  let sawEnded: (() => void) | null = null;
  const endLocally = () => {
    ended = true;
    page.sessionWatch?.stop();
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
      if (status === "ended" && !ended) page.sessionWatch?.soon(); // the room closed: cancelled, or ended elsewhere?
    },
  });
  // Learnt by the session watch or by a refused save: the interview is over for the server. The code stays on
  // screen, read-only, with why; the call, the clock and End interview stop.
  page.whenOver = (_notice, error) => workspace.over(endedElsewhere(error));
  workspace.onOver = () => {
    overElsewhere = true;
    endLocally();
    panel.close();
    page.clock.halt();
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
  panel.bind(loadCall, session.id);
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
      page.sessionWatch?.stop(); // ending here: the end the watch would learn of is this one (and the goodbye plays on)
      await workspace.beforeEnd();
      // The last save, or the check of the server's drafts after it, may learn that another tab saved newer code (or
      // submitted): what is kept is not what was said, so the candidate is asked again, with what is kept now.
      if (workspace.finalWords !== kept && !ended && !(await confirmEnd(workspace.finalWords))) {
        if (!ended) {
          byId<HTMLButtonElement>("end-interview").disabled = false;
          page.sessionWatch?.start();
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
          page.sessionWatch?.start();
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
