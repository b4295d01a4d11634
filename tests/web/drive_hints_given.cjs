// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_hints_given.py: hints
// given before the page opened (a reload, a second tab) show in its event feed from the server's view of the
// session, each once; one recorded while the page is open shows at the page's next check of the session. One browser
// per scenario; prints one JSON line as tests/web/conftest.py's run_driver expects.
"use strict";
const {
  record,
  newContext,
  watch,
  drive,
  opened,
} = require("./page_harness.cjs");

/** The feed's lines (without their time) and what the announcer has read out. */
const feedOf = (page) =>
  page.evaluate(() => ({
    lines: [...document.querySelectorAll("#event-feed li")].map((li) =>
      (li.textContent ?? "").slice(
        (li.querySelector("time")?.textContent ?? "").length + 1,
      ),
    ),
    announced: [...document.querySelectorAll("#announcer p")].map(
      (p) => p.textContent ?? "",
    ),
  }));

/** Records a hint as the interviewer's job does (the internal API, the service token in `plan.internal_token`). */
async function recordHint(plan, index, total) {
  const response = await fetch(
    `${plan.api}/v1/internal/sessions/${plan.session_id}/events`,
    {
      method: "POST",
      headers: {
        Authorization: `Bearer ${plan.internal_token}`,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        events: [
          {
            idempotency_key: `agent:hint:${index}`,
            type: "hint",
            payload: { index, total, phase: "coding", text: plan.hint_text },
          },
        ],
      }),
    },
  );
  if (!response.ok)
    throw new Error(
      `recording hint ${index}: ${response.status} ${await response.text()}`,
    );
}

/** The page opens on an interview with hints given already; a third is recorded while it is open (the page learns it
 * at its next check, asked at once here as the network coming back does); then the page is reloaded, and the same
 * interview is opened in a second tab. */
async function reloaded(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await opened(page);
  await page.waitForFunction(
    () => document.querySelectorAll("#event-feed li").length >= 2,
    null,
    { timeout: 30_000 },
  );
  const out = { opened: await feedOf(page) };
  await record(page, "hints-given-opened");

  await recordHint(plan, 3, 3);
  await page.evaluate(() => window.dispatchEvent(new Event("online"))); // a reason to check the session at once
  await page.waitForFunction(
    () => document.querySelectorAll("#event-feed li").length >= 3,
    null,
    { timeout: 30_000 },
  );
  out.checked = await feedOf(page);

  await page.reload();
  await opened(page);
  await page.waitForFunction(
    () => document.querySelectorAll("#event-feed li").length >= 3,
    null,
    { timeout: 30_000 },
  );
  out.reloaded = await feedOf(page);
  out.page_text = await page.evaluate(() => document.body.innerText);
  await record(page, "hints-given-reloaded");

  const second = await context.newPage();
  watch(second);
  await second.goto(plan.url);
  await opened(second);
  await second.waitForFunction(
    () => document.querySelectorAll("#event-feed li").length >= 3,
    null,
    {
      timeout: 30_000,
    },
  );
  out.second_tab = await feedOf(second);
  await context.close();
  return out;
}

module.exports = drive(module, { reloaded });
