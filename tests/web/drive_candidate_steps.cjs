// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_steps.py: the steps a
// candidate takes (agreeing to the notice, ending the interview) when the server refuses them for a while (a 5xx
// proxy page, 429 / 503 with Retry-After), a start on a consent to a notice since replaced, and a Run whose answer
// a gateway's 502 page replaced. New browser contexts per scenario; prints one JSON line as
// tests/web/conftest.py's run_driver expects. Every request to a non-loopback host is refused and reported.
"use strict";
// The harness (new browser contexts per scenario, loopback only, axe in every recorded state) is page_harness.cjs's.
const {
  record,
  newContext,
  watch,
  drive,
  opened,
  typeAtFirstLineEnd,
} = require("./page_harness.cjs");

/** A new browser context and page, watched (page_harness.cjs's `watch`); `init` runs in the page before its own
 * scripts. */
async function watchedPage(browser, init) {
  const context = await newContext(browser);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  watch(page);
  return { context, page };
}

/** Answers requests matching `pattern` as a busy server or its proxy does: the n-th request (from 1) gets an HTML
 * page (no JSON) with the status `statusOf(n)`, every status but 500 with the plan's Retry-After, or goes on to
 * the server when that is 0. `counted(n)` is told the number of each request. */
function refuse(page, pattern, plan, statusOf, counted = () => undefined) {
  let n = 0;
  return page.route(pattern, (route) => {
    n += 1;
    counted(n);
    const status = statusOf(n);
    if (!status) return route.fallback();
    const headers = { "Content-Type": "text/html" };
    if (status !== 500) headers["Retry-After"] = String(plan.retry_after_s);
    return route.fulfill({ status, headers, body: `<h1>${status}</h1>` });
  });
}

/** Clicks `selector` even while it is disabled (a held button: the click then times out, and that is no error). */
const clickHeld = (page, selector) =>
  page.click(selector, { force: true, timeout: 1000 }).catch(() => undefined);

/** Refuse, wait, retry: once a refusal named a wait (Retry-After), takes the step again at once with `early` (a
 * held control must not ask the server), lets `observe` note what that did, records the page as `shot`, then waits
 * until `ready` holds in the page (the control given back), at most the plan's wait and `slackMs`. Returns how
 * long that last wait took, in ms. */
async function waitOutRefusal(
  page,
  plan,
  { shot, early, observe, ready, slackMs },
) {
  // The early press first, the picture after: a screenshot on a loaded host can take longer than the wait itself.
  await early();
  await page.waitForTimeout(300);
  await observe();
  const held = Date.now();
  await record(page, shot);
  await page.waitForFunction(ready, null, {
    timeout: plan.retry_after_s * 1000 + slackMs,
  });
  return Date.now() - held;
}

/** The consent is refused once with a proxy's 500 page (no JSON), then End interview once with 503 and
 * Retry-After: what the page says each time, and whether End interview can be pressed before that wait is over. */
async function refusedSteps(browser, plan) {
  const out = { ends: 0 };
  const { context, page } = await watchedPage(browser);
  await refuse(page, "**/v1/sessions/*/consent", plan, (n) =>
    n === 1 ? 500 : 0,
  );
  await refuse(
    page,
    "**/v1/sessions/*/end",
    plan,
    (n) => (n === 1 ? 503 : 0),
    (n) => (out.ends = n),
  );
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForFunction(
    () => document.getElementById("consent-error").textContent,
  );
  out.consent_error = await page.textContent("#consent-error");
  await record(page, "steps-consent-500");
  await page.waitForFunction(
    () => !document.getElementById("consent-continue").disabled,
  );
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#start-text");
  await opened(page);

  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForFunction(() =>
    document
      .getElementById("announcer")
      .textContent.includes("could not be ended"),
  );
  const read = () =>
    page.evaluate(() => ({
      end_disabled: document.getElementById("end-interview").disabled,
      finished: !document.getElementById("finished").hidden,
      announced: document.getElementById("announcer").textContent,
    }));
  out.during = await read();
  out.held_ms = await waitOutRefusal(page, plan, {
    shot: "steps-end-503",
    early: () => clickHeld(page, "#end-interview"),
    observe: async () => {
      out.confirm_opened_early = await page.isVisible("#confirm-dialog[open]");
      out.ends_after_early_click = out.ends;
      if (out.confirm_opened_early) await page.click("#confirm-cancel");
    },
    ready: () => !document.getElementById("end-interview").disabled,
    slackMs: 10_000,
  });
  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  await page.click("#confirm-ok");
  await page.waitForSelector("#finished:not([hidden])", { timeout: 60_000 });
  out.after = await read();
  await record(page, "steps-finished");
  await context.close();
  return out;
}

/** The accommodation request is refused by a proxy's 500 page, then with 503 and Retry-After, by keyboard: what the
 * dialog says, where focus is, and whether Enter on Send asks again before the wait is over. */
async function refusedAccommodation(browser, plan) {
  const out = { sent: 0 };
  const { context, page } = await watchedPage(browser);
  await refuse(
    page,
    "**/v1/sessions/*/accommodation-requests",
    plan,
    (n) => [500, 503][n - 1] ?? 0,
    (n) => (out.sent = n),
  );
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.click("#welcome .accommodation-link");
  await page.waitForSelector("#accommodation-dialog[open]");
  await page.fill("#accommodation-message", "I need extra time.");
  await page.focus("#accommodation-send");
  const read = () =>
    page.evaluate(() => ({
      status: document.getElementById("accommodation-status").textContent,
      focused: document.activeElement?.id || document.activeElement?.tagName,
      held: document
        .getElementById("accommodation-send")
        .getAttribute("aria-disabled"),
    }));
  const settled = (n) =>
    page.waitForFunction(
      (k) =>
        window.__sent >= k ||
        !document
          .getElementById("accommodation-status")
          .textContent.startsWith("Sending"),
      n,
    );
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await settled(1);
  out.after_500 = await read();
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  await settled(2);
  out.after_503 = await read();
  await waitOutRefusal(page, plan, {
    shot: "steps-accommodation-503",
    early: () => page.keyboard.press("Enter"),
    observe: () => (out.sent_after_early_enter = out.sent),
    ready: () =>
      !document
        .getElementById("accommodation-send")
        .hasAttribute("aria-disabled"),
    slackMs: 5000,
  });
  out.after_wait = await read();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() =>
    document
      .getElementById("accommodation-status")
      .textContent.includes("was sent"),
  );
  out.done = await read();
  await context.close();
  return out;
}

/** A Run refused with 503 and Retry-After (a proxy's page): what the results say, and whether Run, Submit and custom
 * input can be used before that wait is over. */
async function refusedRun(browser, plan) {
  const out = { runs: 0 };
  const { context, page } = await watchedPage(browser);
  await refuse(
    page,
    "**/v1/sessions/*/runs",
    plan,
    () => 503,
    (n) => (out.runs = n),
  );
  await page.goto(plan.url);
  await opened(page);
  await page.click("#run");
  await page.waitForSelector("#results .report-error");
  const read = () =>
    page.evaluate(() => ({
      said: document.querySelector("#results .report-error")?.textContent ?? "",
      disabled: ["run", "submit", "custom-run", "reset-code"].filter(
        (id) => document.getElementById(id).disabled,
      ),
    }));
  out.during = await read();
  await waitOutRefusal(page, plan, {
    shot: "steps-run-503",
    early: () => clickHeld(page, "#run"),
    observe: () => (out.runs_after_early_click = out.runs),
    ready: () => !document.getElementById("run").disabled,
    slackMs: 5000,
  });
  out.after = await read();
  await context.close();
  return out;
}

/** Resolves once the session's newest Run (`GET .../results`, read as the page reads it) was run by the interviewer
 * (`by: "agent"`), read every half second for at most a minute. */
async function interviewerRunStored(context, plan) {
  const invite = new URL(plan.url).hash.replace("#invite=", "");
  const url = new URL(`/v1/sessions/${plan.session_id}/results`, plan.url).href;
  for (let i = 0; i < 120; i += 1) {
    const r = await context.request.get(url, {
      headers: { Authorization: `Bearer ${invite}` },
    });
    if (r.ok() && (await r.json()).run?.by === "agent") return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the interviewer's run was not stored");
}

/** A Run that reaches the API and the judge, whose answer a gateway replaces with its own 502 page: what the results
 * say while the run may still be running, and the report the API stored, shown once the page has read it. With
 * `plan.session_id`, the 502 comes only once the interviewer's run (made by the test as soon as the candidate's is
 * stored) is the session's newest: the page's follow must show the candidate's own, never theirs. */
async function gatewayRun(browser, plan) {
  const out = { runs: 0 };
  const { context, page } = await watchedPage(browser);
  await page.route("**/v1/sessions/*/runs", async (route) => {
    out.runs += 1;
    const answer = await route.fetch({ timeout: 120_000 }); // the run goes on behind the gateway, and is stored
    out.api_status = answer.status();
    if (plan.session_id) await interviewerRunStored(context, plan);
    return route.fulfill({
      status: 502,
      headers: { "Content-Type": "text/html" },
      body: "<h1>502 Bad Gateway</h1>",
    });
  });
  await page.goto(plan.url);
  await opened(page);
  await page.click("#run");
  await page.waitForSelector("#results .results-later");
  out.said = await page.textContent("#results");
  out.heard = await page.textContent("#announcer");
  await record(page, "steps-run-502");
  await page.waitForSelector("#results .report-summary", { timeout: 30_000 });
  out.summary = await page.textContent("#results .report-summary");
  await context.close();
  return out;
}

/** The device's clock is set back ten minutes mid-interview (a laptop waking and syncing a clock that ran fast),
 * then forward: the page's own intervals must not jump with it. Which sessions checks the page asks for once the
 * network is back, and what integrity observations it reports for slow typing and a 2.5 s absence. */
async function clockJumps(browser, plan) {
  const out = { joins: 0, observations: [] };
  const { context, page } = await watchedPage(browser, () => {
    const real = Date.now.bind(Date);
    let offset = 0;
    Date.now = () => real() + offset;
    window.__shiftClock = (ms) => (offset += ms);
  });
  let joined = () => undefined;
  await page.route("**/v1/join", (route) => {
    out.joins += 1;
    joined();
    return route.fallback();
  });
  await page.route("**/v1/sessions/*/integrity", (route) => {
    const body = route.request().postDataJSON();
    out.observations.push(...(body.observations ?? body.events ?? []));
    return route.fallback();
  });
  await page.goto(plan.url);
  await opened(page);
  await typeAtFirstLineEnd(page, " #");
  await page.evaluate(() => window.__shiftClock(-10 * 60_000));
  const before = out.joins;
  // "At once": a check within 4 s of the network coming back, waited for until it is asked (or the 4 s are up).
  const asked = new Promise((resolve) => {
    joined = resolve;
    setTimeout(resolve, 4000);
  });
  await page.evaluate(() => window.dispatchEvent(new Event("online"))); // a reason to look at once
  await asked;
  out.joins_after_online = out.joins - before;
  await page.keyboard.type("x".repeat(100), { delay: 35 }); // about 3.5 s: a person typing
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));
  await page.evaluate(() => window.__shiftClock(20 * 60_000));
  await page.waitForTimeout(2500);
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));
  await page.waitForFunction(() => true);
  await page.waitForTimeout(plan.flush_ms);
  await record(page, "steps-clock-jumps");
  await context.close();
  return out;
}

/** The next notice version ships while the device check shows (the test swaps it in once the consent is stored):
 * the start is refused for a consent to the version it replaced, the page shows the current text on the welcome and
 * asks again, then comes back to the device check to start. */
async function replacedNotice(browser, plan) {
  const out = {};
  const { context, page } = await watchedPage(browser);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  out.first_notice = await page.textContent("#welcome-notice");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])");
  // Until the server says the consent is to a replaced notice: the test ships the new version once it is stored.
  await page.waitForFunction(
    async (invite) => {
      const r = await fetch("/v1/join", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ invite }),
      });
      return (await r.json()).consented === false;
    },
    plan.invite,
    { polling: 100, timeout: 30_000 },
  );
  await page.click("#start-text");
  await page.waitForSelector("#welcome:not([hidden])");
  out.replaced = await page.evaluate(() => ({
    said: document.getElementById("consent-error").textContent,
    checked: document.getElementById("consent-check").checked,
    notice: document.getElementById("welcome-notice").textContent,
  }));
  await record(page, "steps-notice-replaced");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])");
  out.agreed_again = await page.textContent("#start-problem");
  await page.click("#start-text");
  await opened(page);
  out.started = true;
  await context.close();
  return out;
}

module.exports = drive(module, {
  refusedSteps,
  replacedNotice,
  refusedAccommodation,
  refusedRun,
  gatewayRun,
  clockJumps,
});
