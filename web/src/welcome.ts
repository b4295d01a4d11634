// The welcome: who is hiring, the role, the notice (an AI interviewer, what is recorded and kept, how the result
// is used, duration and language), consent, and the accommodation / human interview request available throughout.
import DOMPurify from "dompurify";
import { type ApiClient, ApiError, type JoinResponse, retryAfterMs } from "./api";
import { byId, h } from "./dom";
import { LANGUAGE_NAMES } from "./languages";
import { linkRefused, type Notice, stepFailure } from "./messages";
import { holdStep, statusLine } from "./stepbutton";

/** Text the organisation wrote, isolated in `<bdi>`: its direction (right-to-left, or an override or embedding it
 * carries) stays inside it and cannot reverse the page's own words around it, such as the AI disclosure. */
export function theirs(text: string): HTMLElement {
  return h("bdi", {}, text);
}

/** The organisation's name, and its logo once the candidate has agreed to the notice: the logo is any https URL the
 * organisation chose, and fetching it tells that host who opened the link and when (their address, their browser),
 * which nothing may learn before the candidate agreed to what is recorded. */
export function renderBrand(joined: JoinResponse): void {
  const org = joined.organization;
  byId("org-name").replaceChildren(org.name ? theirs(org.name) : "Shadows practice");
  const logo = byId<HTMLImageElement>("org-logo");
  if (org.logo_url && joined.consented) {
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
  // The API refuses agreement to a text that is no longer the session's (the organisation changed what it states,
  // or a new version shipped). Show the current text instead; agreeing to it takes a new tick. Repeating the refused
  // request would fail for ever.
  const showCurrent = async (): Promise<void> => {
    const fresh = await api.join();
    renderWelcome(fresh);
    shown = fresh;
    check.checked = false;
    error.textContent = NOTICE_CHANGED;
    byId("welcome-notice").scrollIntoView?.({ block: "start" });
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
          (changed ? showCurrent() : Promise.reject(err))
            .catch((e: Error) => {
              const refused = linkRefused(e); // the link itself: trying again cannot work
              if (refused) gone(refused);
              else {
                // Busy (429/503 with Retry-After): how long, and Continue comes back once that wait is over.
                error.textContent = stepFailure("Your agreement was not saved", e);
              }
            })
            .finally(() => {
              out = false;
              held.giveBack(retryAfterMs(err) ?? 0);
            });
        },
      );
    };
    form.addEventListener("submit", onSubmit);
  });
}

/** Every "Request an accommodation or a human interview" link opens the same dialog. */
export function bindAccommodation(api: ApiClient, sessionId: string): void {
  const dialog = byId<HTMLDialogElement>("accommodation-dialog");
  const status = byId("accommodation-status");
  const send = byId<HTMLButtonElement>("accommodation-send");
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
    api.requestAccommodation(sessionId, kind, message).then(
      () => {
        status.textContent =
          "Your request was sent to the hiring team; they will contact you. You can close this window.";
        // Send stays disabled (no second request): focus goes to Close rather than to nowhere in the dialog.
        dialog.querySelector<HTMLButtonElement>('button[value="cancel"]')?.focus();
      },
      (err: Error) => {
        send.disabled = false;
        send.focus(); // disabled while sending, focus had left it: back on it, to try again
        // At the cap (five per session, a 429 naming no wait) the API says the earlier requests were received:
        // that, not "not sent". Otherwise why, in sentences, and the wait a busy server named, which Send keeps.
        const wait = retryAfterMs(err);
        if (err instanceof ApiError && err.status === 429 && wait === null) status.textContent = err.message;
        else status.textContent = stepFailure("The request was not sent", err);
        if (wait !== null && wait > 0) hold(wait);
      },
    );
  });
}
