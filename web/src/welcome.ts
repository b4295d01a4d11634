// The welcome: who is hiring, the role, the notice (an AI interviewer, what is recorded and kept, how the result
// is used, duration and language), consent, and the accommodation / human interview request available throughout.
import DOMPurify from "dompurify";
import { type ApiClient, ApiError, type JoinResponse, type NoticeView, retryAfterMs } from "./api";
import { byId, h } from "./dom";
import { ACCOMMODATION_MAX_CHARS, refuseOverlong } from "./fieldbound";
import { LANGUAGE_NAMES } from "./languages";
import { linkRefused, type Notice, stepFailure } from "./messages";
import { newRunId } from "./pendingrun";
import { type HeldStep, holdStep, statusLine } from "./stepbutton";

/** Text the organisation wrote, isolated in `<bdi>`: its direction (right-to-left, or an override or embedding it
 * carries) stays inside it and cannot reverse the page's own words around it, such as the AI disclosure. */
export function theirs(text: string): HTMLElement {
  return h("bdi", {}, text);
}

/** The organisation's name, and its logo once the candidate has agreed to the notice: the logo is any https URL the
 * organisation chose, and fetching it tells that host who opened the link and when (their address, their browser),
 * which nothing may learn before the candidate agreed to what is recorded. A running interview was agreed to (the
 * start needs it), though `consented` is false for it once a newer notice replaced the one agreed to: the logo
 * went missing on a reload mid-interview. */
export function renderBrand(joined: JoinResponse): void {
  const org = joined.organization;
  byId("org-name").replaceChildren(org.name ? theirs(org.name) : "Shadows practice");
  const logo = byId<HTMLImageElement>("org-logo");
  if (org.logo_url && (joined.consented || joined.session.status === "in_progress")) {
    logo.src = org.logo_url;
    logo.alt = `${org.name ?? "Organisation"} logo`;
    logo.hidden = false;
    logo.onerror = () => (logo.hidden = true);
  }
}

export function renderWelcome(joined: JoinResponse): void {
  const { session, organization } = joined;
  if (organization.name) byId("welcome-title").replaceChildren("Your interview with ", theirs(organization.name));
  else byId("welcome-title").textContent = "Your practice interview";
  const minutes = session.duration_minutes + session.extra_time_minutes;
  const languages = session.languages.map((l) => LANGUAGE_NAMES[l]).join(", ");
  byId("welcome-role").replaceChildren(
    ...(session.role ? ["Role: ", theirs(session.role), ". "] : []),
    `${minutes} minutes, in ${languages}, with an AI interviewer.`,
  );
  // The notice is our API's own HTML (escaped Jinja2); sanitised again because it carries the organisation's name.
  // Ids and names become `user-content-…`, so no text can take one of the page's own ids.
  const html = DOMPurify.sanitize(joined.notice.html, {
    RETURN_DOM_FRAGMENT: true,
    FORBID_ATTR: ["style"],
    SANITIZE_NAMED_PROPS: true,
  });
  byId("welcome-notice").replaceChildren(html);
}

/** Said when the notice changed while it was read (409 `notice_changed`): the new text is shown in its place. */
export const NOTICE_CHANGED =
  "The notice changed while you were reading it (the new text is shown above). Read it, then tick the box again.";

/** Said when the start found the consent given to a notice since replaced (409 `notice_changed`): the current text
 * is shown, and the start waits for agreement to it. */
export const NOTICE_REPLACED =
  "The notice changed after you agreed to it (the new text is shown above). Read it, then tick the box again to " +
  "continue; the interview has not started.";

/** Said on Continue's status line while the consent is on its way (up to the 20 s bound of a request). */
export const SAVING_CONSENT = "Saving your agreement…";

/** Said when a server refused the notice on screen as changed while the servers still hand out no other text: a
 * rolling deploy, replicas of two releases answering in turn. The text on screen is kept (never an older version's),
 * and so is the tick. */
export const NOTICE_UPDATING =
  "The interview service is being updated, so your agreement was not saved yet. The notice above is unchanged; " +
  "press Continue again in a few seconds.";

/** Said on Continue's status line while the changed notice is fetched (and waited for, during a deploy). */
export const FETCHING_NOTICE = "Fetching the current notice…";

/** How long the page waits between asks for a changed notice that the servers do not hand out yet, and so how many
 * asks one refusal costs at most (one more than waits). */
export const NOTICE_WAITS_MS = [1_000, 2_000];
/** How long Continue (or Start) stays disabled after such asks came back with nothing new: a deploy takes a while,
 * and pressing again at once would only ask the same replicas. */
export const UPDATING_HOLD_MS = 5_000;

function versionNumber(version: string): number | null {
  const m = /^v([1-9]\d{0,5})$/.exec(version);
  return m ? Number(m[1]) : null;
}

/** The session's view with a notice other than those in `refused` (texts a server refused as no longer in force) and
 * no older a version than `shown`'s, or null when the servers kept handing out no such text: a rolling deploy, one
 * release refusing the other's notice. Bounded: `NOTICE_WAITS_MS.length + 1` joins at most, then the caller says
 * so. Before, the page showed whatever the next join brought, asked for a new tick, and a candidate between two
 * releases went back and forth between their notices (each time "the notice changed") for as long as the deploy ran;
 * one answered by the older release was shown the older version's text again.
 *
 * `shown` is the text just refused, never handed back. A text refused earlier in the ask is handed back when every
 * one of these joins answered it: it is in force again (the organisation changed a value it states, then changed it
 * back while the candidate read the text between), and held back for good it left the candidate "being updated" at
 * every Continue until they reloaded. Two releases alternating between their texts answer both, and are not. */
export async function changedNotice(
  api: ApiClient,
  shown: NoticeView,
  refused: ReadonlySet<string>,
  waits: readonly number[] = NOTICE_WAITS_MS,
): Promise<JoinResponse | null> {
  const floor = versionNumber(shown.version) ?? 0;
  let again = null as JoinResponse | null; // a text refused earlier in the ask, answered by every join so far
  for (let i = 0; ; i += 1) {
    const fresh = await api.join(); // a refusal of the link itself, or the network, goes to the caller
    const older = (versionNumber(fresh.notice.version) ?? 0) < floor;
    if (!older && !refused.has(fresh.notice.html)) return fresh;
    const earlier = !older && fresh.notice.html !== shown.html;
    again = earlier && (i === 0 || again?.notice.html === fresh.notice.html) ? fresh : null;
    if (i >= waits.length) return again;
    await new Promise((resolve) => window.setTimeout(resolve, waits[i]));
  }
}

/** Resolves, once the candidate has agreed and the consent is stored, with the view of the session whose notice
 * was agreed to: after a changed notice, the view that brought the new text, whose policies (start without voice)
 * are the ones it states and the device check offers. A refusal of the link itself (cancelled, expired, over) goes
 * to `gone` with the notice to show instead, and the promise never resolves. `said`: why it is asked (asked again
 * at the start, the box unticked: a tick left from an agreement to an older text is no agreement to this one). */
export function askConsent(
  api: ApiClient,
  joined: JoinResponse,
  gone: (notice: Notice) => void,
  said = "",
): Promise<JoinResponse> {
  const form = byId<HTMLFormElement>("consent-form");
  const check = byId<HTMLInputElement>("consent-check");
  const error = byId("consent-error");
  const button = byId<HTMLButtonElement>("consent-continue");
  check.checked = false;
  error.textContent = said;
  button.disabled = false; // an earlier agreement left it disabled with its screen (`HeldStep.done`)
  let shown = joined; // the view whose notice is on screen: the one agreed to
  const refused = new Set<string>(); // texts a server refused in this ask: never shown again as "the new text"
  // The API refuses agreement to a text that is no longer the session's (the organisation changed what it states,
  // or a new version shipped). Show the current text instead; agreeing to it takes a new tick. Repeating the refused
  // request would fail for ever. Resolves to the hold before Continue comes back: none, or, while the servers hand
  // out no other text (a rolling deploy), UPDATING_HOLD_MS, the text and the tick kept.
  const showCurrent = async (held: HeldStep): Promise<number> => {
    refused.add(shown.notice.html);
    held.say(FETCHING_NOTICE);
    const fresh = await changedNotice(api, shown.notice, refused);
    if (fresh === null) {
      error.textContent = NOTICE_UPDATING;
      return UPDATING_HOLD_MS;
    }
    renderWelcome(fresh);
    shown = fresh;
    check.checked = false;
    error.textContent = NOTICE_CHANGED;
    byId("welcome-notice").scrollIntoView?.({ block: "start" });
    return 0;
  };
  // One consent at a time: Continue is disabled while it is out, and a second submission (a script, or a browser
  // that submits the form another way) is ignored too.
  let out = false;
  const status = statusLine("consent-status", button.closest(".actions") ?? button);
  return new Promise((resolve) => {
    // Inert once agreed (`out` stays set), never removed: the form is asked again when the start finds a replaced
    // notice, and an earlier ask still acting would post its own (older) notice beside the new one; but a submit
    // with no listener to cancel it is the browser's own, a navigation that took the page (and the invite in its
    // address's fragment) away from a candidate who pressed Enter once more as the agreement landed.
    const onSubmit = (e: Event) => {
      e.preventDefault();
      if (out) return;
      if (!check.checked) {
        error.textContent = "Tick the box to agree before you continue.";
        check.focus();
        return;
      }
      out = true;
      error.textContent = "";
      const held = holdStep([button], button, check, { line: status, text: SAVING_CONSENT });
      api.consent(shown.session.id, shown.notice).then(
        () => {
          held.done(); // `out` stays set: this ask is over
          resolve(shown);
        },
        (err: Error) => {
          const changed = err instanceof ApiError && err.code === "notice_changed";
          let hold = retryAfterMs(err) ?? 0;
          (changed ? showCurrent(held) : Promise.reject(err))
            .then((ms) => (hold = Math.max(hold, ms)))
            .catch((e: Error) => {
              const gave = linkRefused(e); // the link itself: trying again cannot work
              if (gave) gone(gave);
              else {
                // Busy (429/503 with Retry-After): how long, and Continue comes back once that wait is over.
                error.textContent = stepFailure("Your agreement was not saved", e);
                hold = Math.max(hold, retryAfterMs(e) ?? 0);
              }
            })
            .finally(() => {
              out = false;
              held.giveBack(hold);
            });
        },
      );
    };
    form.addEventListener("submit", onSubmit);
  });
}

/** What a request past the cap (five per session: 429 naming no wait) is answered with: the earlier ones arrived. */
export const REQUESTS_RECEIVED = "Your requests were received; the hiring team will contact you.";

/** Every "Request an accommodation or a human interview" link opens the same dialog. */
export function bindAccommodation(api: ApiClient, sessionId: string): void {
  const dialog = byId<HTMLDialogElement>("accommodation-dialog");
  const status = byId("accommodation-status");
  const send = byId<HTMLButtonElement>("accommodation-send");
  // Its message is bounded as the API bounds it (2,000 characters): a longer paste is refused with a word, not cut.
  refuseOverlong(
    byId<HTMLTextAreaElement>("accommodation-message"),
    ACCOMMODATION_MAX_CHARS,
    (message) => (status.textContent = message),
  );
  // A busy server's wait (429 or 503 with Retry-After): Send is not used before it is over. Held with
  // aria-disabled, not `disabled`, so keyboard focus can stay on it (a disabled button drops focus to the page).
  // Timed by the timer, not the device's clock (a clock set back would hold Send for as long).
  let held = false;
  const hold = (ms: number) => {
    held = true;
    send.setAttribute("aria-disabled", "true");
    window.setTimeout(() => {
      held = false;
      send.removeAttribute("aria-disabled");
      if (dialog.open) status.textContent = "You can send your request again now.";
    }, ms);
  };
  // The request a failed Send left (its answer may have been lost after the API stored it): sent again with its id
  // while it is unchanged, so the retry is the same request, not a second one for the hiring team (and of the five).
  let unanswered: { id: string; kind: string; message: string | null } | null = null;
  for (const link of document.querySelectorAll<HTMLButtonElement>(".accommodation-link")) {
    link.addEventListener("click", () => {
      status.textContent = "";
      send.disabled = false;
      dialog.showModal();
    });
  }
  send.addEventListener("click", () => {
    if (held) return;
    const kind = (dialog.querySelector<HTMLInputElement>('input[name="kind"]:checked')?.value ?? "accommodation") as
      "accommodation" | "human_interview";
    const message = byId<HTMLTextAreaElement>("accommodation-message").value.trim() || null;
    send.disabled = true;
    status.textContent = "Sending…";
    if (unanswered?.kind !== kind || unanswered.message !== message) unanswered = { id: newRunId(), kind, message };
    api.requestAccommodation(sessionId, kind, message, unanswered.id).then(
      () => {
        unanswered = null; // a request made after this one is another
        status.textContent =
          "Your request was sent to the hiring team; they will contact you. You can close this window.";
        // Send stays disabled (no second request): focus goes to Close rather than to nowhere in the dialog.
        dialog.querySelector<HTMLButtonElement>('button[value="cancel"]')?.focus();
      },
      (err: Error) => {
        send.disabled = false;
        send.focus(); // disabled while sending, focus had left it: back on it, to try again
        // At the cap (five per session, a 429 naming no wait) the earlier requests were received: that, not "not
        // sent". Otherwise why, in sentences, and the wait a busy server named, which Send keeps.
        const wait = retryAfterMs(err);
        // The API's own (`rate_limited`), never a proxy's bare 429 (`http_429`): that one stored nothing.
        if (err instanceof ApiError && err.code === "rate_limited" && wait === null)
          status.textContent = REQUESTS_RECEIVED;
        else status.textContent = stepFailure("The request was not sent", err);
        if (wait !== null && wait > 0) hold(wait);
      },
    );
  });
}
