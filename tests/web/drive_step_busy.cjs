// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_step_busy.py: the consent
// and the start are held on a slow connection (their requests answered `plan.hold_ms` late; the first start then
// refused by a server error), and what the step shows meanwhile is read: its status line, the buttons, keyboard focus,
// and how many requests went for presses and submissions made while one was out. New browser contexts per scenario;
// prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el && el !== document.body
      ? el.id || el.tagName.toLowerCase()
      : "body";
  });

/** What a step shows now: its status line, and each button's disabled and aria-busy state. */
const stepState = (page, line, buttons) =>
  page.evaluate(
    ([lineId, ids]) => ({
      status: (document.getElementById(lineId)?.textContent ?? "").trim(),
      role: document.getElementById(lineId)?.getAttribute("role") ?? null,
      buttons: Object.fromEntries(
        ids.map((id) => {
          const b = document.getElementById(id);
          return [
            id,
            { disabled: b.disabled, busy: b.getAttribute("aria-busy") },
          ];
        }),
      ),
    }),
    [line, buttons],
  );

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function heldSteps(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  const sent = { consent: 0, start: 0 };
  page.on("request", (request) => {
    if (request.method() !== "POST") return;
    const url = request.url();
    if (url.endsWith("/consent")) sent.consent += 1;
    if (url.endsWith("/start")) sent.start += 1;
  });
  // The consent lands, late. The first start is refused late (a server error); the next lands, late too.
  await page.route("**/v1/sessions/*/consent", async (route) => {
    await sleep(plan.hold_ms);
    await route.fallback();
  });
  let starts = 0;
  await page.route("**/v1/sessions/*/start", async (route) => {
    starts += 1;
    await sleep(plan.hold_ms);
    if (starts > 1) return route.fallback();
    await route.fulfill({
      status: 500,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        error: { code: "internal_error", message: "Internal error." },
      }),
    });
  });
  const out = {};
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.focus("#consent-check");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter"); // Continue, by keyboard
  await page.waitForTimeout(300);
  out.consent_held = await stepState(page, "consent-status", [
    "consent-continue",
  ]);
  out.consent_focus = await focused(page);
  await record(page, "consent-held");
  // Pressed again, and submitted again another way, while the consent is out: nothing more goes.
  await page.keyboard.press("Enter");
  await page.click("#consent-continue", { force: true }).catch(() => null);
  await page.evaluate(() =>
    document.getElementById("consent-form").requestSubmit(),
  );
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 30_000,
  });
  out.consent_after = await stepState(page, "consent-status", [
    "consent-continue",
  ]);
  out.consent_requests = sent.consent;

  await page.focus("#start-text");
  await page.keyboard.press("Enter"); // Start without voice, by keyboard: refused late
  await page.waitForTimeout(300);
  out.start_held = await stepState(page, "start-status", [
    "start-voice",
    "start-text",
  ]);
  out.start_focus = await focused(page);
  await record(page, "start-held");
  await page.keyboard.press("Enter");
  await page.click("#start-text", { force: true }).catch(() => null);
  await page.click("#start-voice", { force: true }).catch(() => null);
  await page.waitForFunction(
    () => document.getElementById("start-problem").textContent,
    null,
    { timeout: 30_000 },
  );
  await page.waitForFunction(
    () => !document.getElementById("start-text").disabled,
  );
  out.start_refused = await stepState(page, "start-status", [
    "start-voice",
    "start-text",
  ]);
  out.start_problem = (await page.textContent("#start-problem")).trim();
  out.start_refused_focus = await focused(page);
  out.start_requests_refused = sent.start;
  await record(page, "start-refused");
  await page.keyboard.press("Enter"); // again: this one lands
  await page.waitForTimeout(300);
  out.start_again = await stepState(page, "start-status", [
    "start-voice",
    "start-text",
  ]);
  out.entered = await page
    .waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout: 30_000 },
    )
    .then(() => true)
    .catch(() => false);
  out.start_requests = sent.start;
  await context.close();
  return out;
}

module.exports = drive(module, { heldSteps });
