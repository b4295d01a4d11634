// The candidate page: open the interview from the invite, then wire the problem, editor, Run/Submit and the call.
import "./styles.css";
import { ApiClient, type JoinResponse, type Language, type RunReport } from "./api";
import type { CallController } from "./call";
import { CallPanel } from "./callpanel";
import { byId } from "./dom";
import { CodeEditor } from "./editor";
import { EventFeed } from "./feed";
import { forgetInvite, takeInvite } from "./invite";
import { joinNotice, NO_INVITE, type Notice, runNotice } from "./messages";
import { renderProblem } from "./problem";
import type { InterviewEvent } from "./protocol";
import { renderFailure, renderPending, renderReport } from "./results";
import { InterviewClock } from "./timer";

const LANGUAGE_NAMES: Record<Language, string> = { python: "Python", javascript: "JavaScript", java: "Java", cpp: "C++" };

function showNotice(notice: Notice, retry?: () => void): void {
  byId("loading").hidden = true;
  byId("app").hidden = true;
  byId("notice").hidden = false;
  byId("notice-title").textContent = notice.title;
  byId("notice-detail").textContent = notice.detail;
  const button = byId<HTMLButtonElement>("notice-retry");
  button.hidden = !(notice.retryable && retry);
  button.onclick = retry ? () => retry() : null;
  document.title = `${notice.title} · Shadows`;
}

/** The code survives a reload of this tab (sessionStorage), per session and language. */
function codeStore(sessionId: string, language: Language) {
  const key = `shadows.code.${sessionId}.${language}`;
  return {
    load(): string | null {
      try {
        return window.sessionStorage.getItem(key);
      } catch {
        return null;
      }
    },
    save(code: string): void {
      try {
        window.sessionStorage.setItem(key, code);
      } catch {
        // quota or disabled storage: the code is still in the editor
      }
    },
  };
}

function startInterview(api: ApiClient, joined: JoinResponse): void {
  const { session, question } = joined;
  const language = session.language;
  byId("loading").hidden = true;
  byId("notice").hidden = true;
  byId("app").hidden = false;
  renderProblem(question);
  byId("editor-language").textContent = LANGUAGE_NAMES[language] ?? language;

  const store = codeStore(session.id, language);
  let runShortcut = (): void => undefined;
  const editor = new CodeEditor(byId("editor"), store.load() ?? question.starter_code[language] ?? "", language, () =>
    runShortcut(),
  );
  const clock = new InterviewClock(session, byId("clock"));
  clock.start();

  const results = byId("results");
  const runButton = byId<HTMLButtonElement>("run");
  const submitButton = byId<HTMLButtonElement>("submit");
  let busy = false;
  let ended = false;
  let call: CallController | null = null; // created when the candidate first starts the call
  const judge = async (mode: "run" | "submit"): Promise<void> => {
    if (busy || ended) return;
    busy = true;
    runButton.disabled = submitButton.disabled = true;
    results.setAttribute("aria-busy", "true");
    renderPending(results, mode);
    call?.scheduler.flush(); // the interviewer sees the code that is being run
    try {
      const report =
        mode === "run"
          ? await api.run(session.id, language, editor.code)
          : await api.submit(session.id, language, editor.code);
      renderReport(results, report);
    } catch (error) {
      renderFailure(results, runNotice(error));
    } finally {
      busy = false;
      runButton.disabled = submitButton.disabled = ended;
      results.removeAttribute("aria-busy");
    }
  };
  runButton.addEventListener("click", () => void judge("run"));
  submitButton.addEventListener("click", () => void judge("submit"));
  runShortcut = () => void judge("run");
  document.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
      e.preventDefault();
      void judge("run");
    }
  });

  const feed = new EventFeed(byId("event-feed"));
  let refreshing = false;
  const refreshClock = async (): Promise<void> => {
    if (clock.started || refreshing) return;
    refreshing = true;
    try {
      clock.setSession((await api.join()).session); // the session starts when the interviewer joins
    } catch {
      // keep showing the duration; the next event tries again
    } finally {
      refreshing = false;
    }
  };
  const onEvent = (event: InterviewEvent): void => {
    feed.add(event);
    if (event.type === "test_report" && event.report) renderReport(results, event.report as RunReport, "interviewer");
    if (event.type === "phase") void refreshClock();
    if (event.type === "ended") {
      ended = true;
      editor.setReadOnly(true);
      runButton.disabled = submitButton.disabled = true;
      byId("ended-banner").hidden = false;
    }
  };

  let inCall = false;
  window.addEventListener("beforeunload", (e) => {
    if (inCall) e.preventDefault(); // leaving the page ends the call: ask first
  });
  const panel = new CallPanel({
    onEvent,
    onAgentPresent: () => void refreshClock(),
    onStatus: (status) => {
      inCall = status === "connected" || status === "reconnecting";
    },
  });
  let loading: Promise<CallController> | null = null;
  const loadCall = (): Promise<CallController> =>
    (loading ??= import("./call").then(({ CallController }) => {
      call = new CallController(
        async (attempt) => {
          // The first attempt uses the join answer; retries fetch a fresh token (the first may have expired).
          const fresh = attempt === 0 ? joined : await api.join();
          return { serverUrl: fresh.server_url, token: fresh.participant_token };
        },
        editor,
        panel,
        byId("audio-sink"),
      );
      return call;
    }).catch((error: unknown) => {
      loading = null; // let the next click try the download again
      throw error;
    }));
  panel.bind(loadCall);
  editor.onChange((snapshot) => {
    store.save(snapshot.code);
    call?.editorChanged();
  });
  // Fetch the call code while the candidate reads, so Start is quick; a failure here is retried on click.
  window.setTimeout(() => void import("./call").catch(() => undefined), 1500);
}

async function open(api: ApiClient): Promise<void> {
  let joined: JoinResponse;
  try {
    joined = await api.join();
  } catch (error) {
    const notice = joinNotice(error);
    if (!notice.retryable) forgetInvite();
    showNotice(notice, () => void open(api));
    return;
  }
  startInterview(api, joined);
}

const invite = takeInvite();
if (invite) void open(new ApiClient(invite));
else showNotice(NO_INVITE);
