// The voice call against a fake LiveKit server (a scenario of drive_page.cjs): an interviewer who never joins, one
// who joins after the redispatch, mute, and the end.
"use strict";
const {
  record,
  newContext,
  watch,
  visible,
  text,
} = require("./page_harness.cjs");

/** Voice against a fake LiveKit server: the interviewer does not join (the page says so, calls it again once, then
 * offers the text-only path); in a second session it joins after the redispatch and its states show; mute; end. */
async function call(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  const detail = () => text(page, "#call-detail");
  const waitDetail = (needle, timeout = 60_000) =>
    page.waitForFunction(
      (n) => document.getElementById("call-detail").textContent.includes(n),
      needle,
      { timeout },
    );

  await page.goto(plan.absent);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#start-voice");
  await page.waitForSelector('#call-panel[data-status="connected"]', {
    timeout: 60_000,
  });
  out.connected = await text(page, "#call-status");
  out.indicator_absent = await text(page, "#agent-indicator-text");
  await waitDetail("not joined yet");
  out.late = await detail();
  await waitDetail("could not join");
  out.gave_up = await detail();
  out.text_only_offered = await visible(page, "#call-text-only");
  await record(page, "agent-not-joined");
  await page.click("#call-text-only");
  await page.waitForSelector('#call-panel[data-status="ended"]');
  out.after_text_only = await detail();
  out.editor_usable = !(await page.isDisabled("#run"));

  const second = await context.newPage();
  watch(second);
  await second.goto(plan.joins);
  await second.waitForSelector("#device-check:not([hidden])");
  await second.click("#start-voice");
  await second.waitForSelector('#call-panel[data-status="connected"]', {
    timeout: 60_000,
  });
  await second.evaluate(() => {
    window.__states = [];
    const el = document.getElementById("agent-indicator");
    new MutationObserver(() => window.__states.push(el.dataset.state)).observe(
      el,
      { attributes: true },
    );
  });
  await second.waitForFunction(
    () => window.__states.includes("speaking"),
    null,
    { timeout: 60_000 },
  );
  out.states = await second.evaluate(() => [...new Set(window.__states)]);
  out.agent_text = await text(second, "#agent-state");
  out.joined_detail = await text(second, "#call-detail");
  await second.waitForSelector("#topbar-mute:not([hidden])");
  await second.click("#topbar-mute");
  await second.waitForFunction(
    () =>
      document.getElementById("topbar-mute").getAttribute("aria-pressed") ===
      "true",
  );
  out.muted = {
    text: await text(second, "#topbar-mute"),
    panel: await text(second, "#call-mute"),
  };
  await record(second, "agent-joined-muted");
  await second.evaluate(() => {
    window.__details = [];
    const el = document.getElementById("call-detail");
    new MutationObserver(() => window.__details.push(el.textContent)).observe(
      el,
      {
        childList: true,
        characterData: true,
        subtree: true,
      },
    );
  });
  await second.click("#end-interview");
  await second.click("#confirm-ok");
  await second.waitForSelector("#finished:not([hidden])", { timeout: 90_000 });
  out.finished = await text(second, "#finished");
  out.end_details = await second.evaluate(() => window.__details);
  await context.close();
  return out;
}

module.exports = { call };
