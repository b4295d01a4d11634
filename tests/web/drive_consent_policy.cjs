// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_policy_change.py: the
// organisation changes what the interview allows (here, the interview without voice) while the page shows the notice
// or the device check. What the device check then offers. New browser contexts per scenario; prints one JSON line as
// tests/web/conftest.py's run_driver expects.
"use strict";
const { record, newContext, watch, drive } = require("./page_harness.cjs");

/** The organisation's own call (`plan.change`: its URL, key and body), made from here while the page is open. */
async function change(plan) {
  const response = await fetch(plan.change.url, {
    method: "PATCH",
    headers: {
      Authorization: `Bearer ${plan.change.key}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(plan.change.body),
  });
  return response.status;
}

/** What the device check offers, as a candidate sees it. */
const offered = (page) =>
  page.evaluate(() => {
    const text = document.getElementById("start-text");
    const voice = document.getElementById("start-voice");
    return {
      text_button: text.hidden ? null : text.textContent,
      voice_button: voice.hidden ? null : voice.textContent,
    };
  });

/** The organisation allows the interview without voice while the candidate reads the notice: their agreement is
 * refused (the text changed), they agree to the new text, which says they can do it without voice, and go on. */
async function changedWhileReading(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  const out = { change_status: await change(plan) };
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForFunction(
    () => document.getElementById("consent-error").textContent,
    null,
    { timeout: 15_000 },
  );
  await page.waitForFunction(
    () => !document.getElementById("consent-continue").disabled,
  );
  out.notice = await page.textContent("#welcome-notice");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden])", {
    timeout: 15_000,
  });
  out.offered = await offered(page);
  await record(page, "device-check-after-changed-notice");
  await context.close();
  return out;
}

/** The device check is open when the organisation changes what it allows: what it offers once the page has next
 * asked about the session (at once here: the network comes back). */
async function changedOnTheDeviceCheck(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#device-check:not([hidden])");
  const out = {
    before: await offered(page),
    change_status: await change(plan),
  };
  const asked = page.waitForResponse(
    (r) => r.url().endsWith("/v1/join") && r.status() === 200,
    { timeout: 15_000 },
  );
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await asked;
  await page.waitForTimeout(300); // the answer is applied
  out.after = await offered(page);
  await record(page, "device-check-after-change");
  await context.close();
  return out;
}

module.exports = drive(module, {
  changedWhileReading,
  changedOnTheDeviceCheck,
});
