// Drives the candidate page by keyboard alone in Debian's headless chromium for
// tests/web/test_candidate_page_step_focus.py: the consent and the start are refused once (a busy server naming a wait,
// a server error), and the candidate, who pressed Enter on the button, presses Enter again. Where keyboard focus is
// after each refusal. New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's run_driver
// expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el && el !== document.body
      ? el.id || el.tagName.toLowerCase()
      : "body";
  });

/** Answers the first request to `pattern` with `status` (and `retry` seconds of Retry-After), then lets them by. */
async function refuseOnce(page, pattern, status, retry) {
  let n = 0;
  await page.route(pattern, async (route) => {
    n += 1;
    if (n > 1) return route.fallback();
    const headers = { "Content-Type": "application/json" };
    if (retry) headers["Retry-After"] = String(retry);
    await route.fulfill({
      status,
      headers,
      body: JSON.stringify({
        error: { code: "service_unavailable", message: "Busy." },
      }),
    });
  });
}

async function refusedByKeyboard(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await refuseOnce(page, "**/v1/sessions/*/consent", 503, 2);
  await refuseOnce(page, "**/v1/sessions/*/start", 500, 0);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.focus("#consent-check");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  const out = { before_consent: await focused(page) };
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    () => document.getElementById("consent-error").textContent,
  );
  out.consent_waiting = await focused(page);
  await record(page, "consent-refused-by-keyboard");
  await page.waitForFunction(
    () => !document.getElementById("consent-continue").disabled,
    null,
    { timeout: 10_000 },
  );
  out.consent_after_wait = await focused(page);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 15_000,
  });
  await page.focus("#start-text");
  await page.keyboard.press("Enter");
  await page.waitForFunction(
    () => document.getElementById("start-problem").textContent,
  );
  await page.waitForFunction(
    () => !document.getElementById("start-text").disabled,
    null,
    { timeout: 10_000 },
  );
  out.start_refused = await focused(page);
  await record(page, "start-refused-by-keyboard");
  await page.keyboard.press("Enter");
  out.entered = await page
    .waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout: 30_000 },
    )
    .then(() => true)
    .catch(() => false);
  await context.close();
  return out;
}

module.exports = drive(module, { refusedByKeyboard });
