// Opening the interview link (scenarios of drive_page.cjs): links that cannot be used, a notice changed while it is
// read, and a request to open it that the network swallows.
"use strict";
const {
  state,
  record,
  newContext,
  watch,
  visible,
  text,
} = require("./page_harness.cjs");

/** Each of `plan.urls` in a fresh tab: the notice it shows instead of the interview. */
async function notices(browser, plan) {
  const seen = {};
  const context = await newContext(browser);
  for (const [name, url] of Object.entries(plan.urls)) {
    const tab = await context.newPage();
    watch(tab);
    await tab.goto(url);
    await tab.waitForSelector(
      "#notice:not([hidden]), #welcome:not([hidden]), #app:not([hidden])",
      { timeout: 60_000 },
    );
    seen[name] = await tab.evaluate(() => ({
      notice: document.getElementById("notice").hidden
        ? null
        : {
            title: document.getElementById("notice-title").textContent,
            retry_visible: !document.getElementById("notice-retry").hidden,
          },
      app_hidden: document.getElementById("app").hidden,
      href: window.location.href,
      stored_invite: window.sessionStorage.getItem("shadows.invite"),
    }));
    await record(tab, `notice-${name}`);
    seen[name].accessibility = state.axe[`notice-${name}`];
    await tab.close();
  }
  await context.close();
  return seen;
}

/** The notice changes while the candidate reads it (the organisation edits what it states): their agreement to the
 * text they read is refused, and the page shows the new text to agree to instead of repeating the refused one. */
async function noticeChanged(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  out.before = await text(page, "#welcome-notice");
  const changed = await fetch(plan.change.url, {
    method: "PATCH",
    headers: {
      Authorization: `Bearer ${plan.change.key}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(plan.change.body),
  });
  out.change_status = changed.status;
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
  out.refused = {
    error: await text(page, "#consent-error"),
    notice: await text(page, "#welcome-notice"),
    checked: await page.isChecked("#consent-check"),
    welcome_visible: await visible(page, "#welcome"),
  };
  await record(page, "notice-changed");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector(
    "#device-check:not([hidden]), #consent-error:not(:empty)",
    { timeout: 15_000 },
  );
  out.after_agreeing_again = {
    device_check: await visible(page, "#device-check"),
    error: await text(page, "#consent-error"),
  };
  await context.close();
  return out;
}

/** A network that swallows the request opening the interview (no answer, no error: a captive portal, a dead Wi-Fi
 * link): within a bounded time the page says it could not reach the server and offers Retry, not a spinner for as
 * long as the browser keeps the request open. The page's timers run on Playwright's clock, moved on by hand. */
async function stalledJoin(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  const held = [];
  await page.route("**/v1/join", (route) => {
    if (held.length === 0)
      held.push(route); // the first one never answers
    else route.fallback();
  });
  await page.clock.install();
  await page.goto(plan.url);
  await page.waitForFunction(() => document.getElementById("loading") !== null);
  await page.clock.runFor(plan.wait_ms);
  out.after_wait = await page.evaluate(() => ({
    loading_visible: !document.getElementById("loading").hidden,
    notice: document.getElementById("notice").hidden
      ? null
      : document.getElementById("notice-title").textContent,
    retry_visible: !document.getElementById("notice-retry").hidden,
  }));
  await record(page, "stalled-join");
  if (out.after_wait.retry_visible) {
    await page.click("#notice-retry");
    await page.waitForSelector("#welcome:not([hidden])", { timeout: 15_000 });
    out.after_retry = await text(page, "#welcome-title");
  }
  await held[0]?.abort().catch(() => undefined);
  await context.close();
  return out;
}

module.exports = { notices, noticeChanged, stalledJoin };
