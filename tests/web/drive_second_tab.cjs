// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_second_tab.py: the
// interview is started somewhere else (another tab of the same browser, or another device) while this page shows a
// screen from before the start. What its clock shows from then on, screen by screen, and how soon it goes into the
// interview. New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

/** Logs every reading of the page's clock (each render rewrites it), with the device's time and the screen showing. */
async function logClock(page) {
  await page.evaluate(() => {
    window.__clockLog = [];
    const clock = document.getElementById("clock");
    const screen = () =>
      ["loading", "notice", "welcome", "device-check", "app", "finished"].find(
        (id) => !document.getElementById(id).hidden,
      ) ?? "none";
    const note = () =>
      window.__clockLog.push({
        at: Date.now(),
        text: clock.textContent,
        state: clock.dataset.state,
        screen: screen(),
      });
    note();
    new MutationObserver(note).observe(clock, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
}

const clockLog = (page) => page.evaluate(() => window.__clockLog);

/** The candidate's own API calls with the invite, made from here (another device): `plan.api` is the API's URL. */
async function candidateCall(plan, path, body) {
  const response = await fetch(plan.api + path, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${plan.invite}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(
      `POST ${path}: ${response.status} ${await response.text()}`,
    );
  return response.json();
}

const entered = (page, timeout) =>
  page
    .waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout },
    )
    .then(() => true)
    .catch(() => false);

/** The clock rounds the time left up to whole seconds and renders once a second, so for up to two seconds after the
 * start it may still read the full time. The time left is read once the start (before `startedAt`) is more than two
 * and a half seconds old: by then it must read less. */
const pastTheFirstSecond = (page, startedAt) =>
  page.waitForTimeout(Math.max(0, startedAt + 2_500 - Date.now()));

/** Two tabs of one browser on the device check; the candidate starts the interview in the first. What the second
 * tab's clock shows from the moment the first has started, and when it goes into the interview. */
async function twoTabsOnTheDeviceCheck(browser, plan) {
  const context = await newContext(browser);
  const first = await context.newPage();
  const second = await context.newPage();
  watch(first);
  watch(second);
  for (const page of [first, second]) {
    await page.goto(plan.url);
    await page.waitForSelector("#device-check:not([hidden])");
  }
  await logClock(second);
  const out = { second_before: await second.textContent("#clock") };
  await first.click("#start-text");
  out.first_entered = await entered(first, 60_000);
  const startedAt = Date.now();
  out.first_clock = await first.textContent("#clock");
  out.second_entered = await entered(second, plan.wait_ms);
  out.second_after_ms = Date.now() - startedAt;
  out.second_log = (await clockLog(second)).filter((r) => r.at >= startedAt);
  await pastTheFirstSecond(second, startedAt);
  out.second_clock = await second.$eval("#clock", (el) => ({
    text: el.textContent,
    state: el.dataset.state,
  }));
  await record(second, "second-tab-entered");
  await context.close();
  return out;
}

/** The page sits on the welcome (the notice not agreed to yet); meanwhile the interview is agreed to and started on
 * another device. The candidate agrees here too: what the clock shows on the screens that follow. */
async function startedElsewhereWhileReading(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  const out = { welcome_clock: await page.textContent("#clock") };
  const joined = await candidateCall(plan, "/v1/join", { invite: plan.invite });
  await candidateCall(plan, `/v1/sessions/${plan.session_id}/consent`, {
    notice_version: joined.notice.version,
    notice_sha256: joined.notice.sha256,
    agreed: true,
  });
  await candidateCall(plan, `/v1/sessions/${plan.session_id}/start`, {
    mode: "text",
  });
  const startedAt = Date.now();
  await logClock(page);
  await page.check("#consent-check");
  const agreedAt = Date.now();
  await page.click("#consent-continue");
  out.entered = await entered(page, plan.wait_ms);
  out.after_ms = Date.now() - agreedAt;
  out.log = await clockLog(page);
  await pastTheFirstSecond(page, startedAt);
  out.clock = await page.$eval("#clock", (el) => ({
    text: el.textContent,
    state: el.dataset.state,
  }));
  await context.close();
  return out;
}

/** The page sits on the device check (the notice agreed to before); the interview is started on another device a
 * moment later, and the candidate turns back to this page (a key pressed). How soon it goes into the interview. */
async function startedElsewhereThenTurnedTo(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.waitForTimeout(1_000);
  await candidateCall(plan, `/v1/sessions/${plan.session_id}/start`, {
    mode: "text",
  });
  const turnedAt = Date.now();
  await page.keyboard.press("Shift");
  const out = { entered: await entered(page, plan.wait_ms) };
  out.after_ms = Date.now() - turnedAt;
  await record(page, "entered-after-a-key");
  await context.close();
  return out;
}

/** The page opens while the API has not answered yet (its join held for `plan.hold_ms`): what the clock shows before
 * the page knows anything of the session. */
async function beforeTheFirstAnswer(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  let held = true;
  await page.route("**/v1/join", async (route) => {
    if (held) await new Promise((resolve) => setTimeout(resolve, plan.hold_ms));
    held = false;
    await route.fallback();
  });
  await page.goto(plan.url);
  await page.waitForSelector("#loading:not([hidden])");
  await logClock(page);
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 60_000,
  });
  const out = { log: await clockLog(page) };
  await context.close();
  return out;
}

module.exports = drive(module, {
  twoTabsOnTheDeviceCheck,
  startedElsewhereWhileReading,
  startedElsewhereThenTurnedTo,
  beforeTheFirstAnswer,
});
