// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_busy_server.py: a server
// that answers "busy, come back later" (429 / 503 with Retry-After). New browser contexts per scenario; prints one JSON
// line as tests/web/conftest.py's run_driver expects. Every request to a non-loopback host is refused and reported.
"use strict";
// The harness (new browser contexts per scenario, loopback only, axe in every recorded state) is page_harness.cjs's.
const { state, record, newContext, drive } = require("./page_harness.cjs");

const busyBody = (code) =>
  JSON.stringify({
    error: {
      code,
      message: "Too many requests; retry after Retry-After seconds.",
    },
  });

/** POST /v1/join answers 429 with Retry-After the first time: what the notice says, and whether Try again can be
 * pressed before the wait is over; then the same after the wait. */
async function busyJoin(browser, plan) {
  const out = { joins: 0 };
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.route("**/v1/join", (route) => {
    out.joins += 1;
    if (out.joins === 1) {
      return route.fulfill({
        status: plan.status,
        headers: {
          "Content-Type": "application/json",
          "Retry-After": String(plan.retry_after_s),
        },
        body: busyBody(
          plan.status === 429 ? "rate_limited" : "service_unavailable",
        ),
      });
    }
    return route.fallback();
  });
  await page.goto(plan.url);
  await page.waitForSelector("#notice:not([hidden])");
  const read = () =>
    page.evaluate(() => ({
      title: document.getElementById("notice-title").textContent,
      detail: document.getElementById("notice-detail").textContent,
      retry_visible: !document.getElementById("notice-retry").hidden,
      retry_disabled: document.getElementById("notice-retry").disabled,
      retry_label: document.getElementById("notice-retry").textContent,
      announced: document.getElementById("announcer").textContent,
    }));
  out.during = await read();
  await record(page, "busy-join");
  await page
    .click("#notice-retry", { force: true, timeout: 2000 })
    .catch(() => undefined); // a disabled button
  await page.waitForTimeout(300);
  out.joins_after_early_click = out.joins;
  await page.waitForFunction(
    () => !document.getElementById("notice-retry").disabled,
    null,
    {
      timeout: plan.retry_after_s * 1000 + 5000,
    },
  );
  out.after = await read();
  await page.click("#notice-retry");
  await page.waitForSelector("#welcome:not([hidden])", { timeout: 15_000 });
  out.welcome = (await page.textContent("#welcome-title")).trim();
  await context.close();
  return out;
}

/** The draft saves answer 429 with Retry-After while the candidate types for a few seconds: how many saves the page
 * sent into the limit, what the save status said, and whether the code was saved once the limit lifted. */
async function busyDrafts(browser, plan) {
  const out = { puts: 0, limited: 0 };
  let limited = true;
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.route("**/v1/sessions/*/drafts/*", (route) => {
    if (route.request().method() !== "PUT") return route.fallback();
    out.puts += 1;
    if (!limited) return route.fallback();
    out.limited += 1;
    return route.fulfill({
      status: 429,
      headers: {
        "Content-Type": "application/json",
        "Retry-After": String(plan.retry_after_s),
      },
      body: busyBody("rate_limited"),
    });
  });
  await page.goto(plan.url);
  await page.waitForFunction(
    () => document.getElementById("question-title")?.textContent,
    null,
    { timeout: 60_000 },
  );
  await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 });
  await page.click(".cm-content .cm-line >> nth=0");
  await page.keyboard.press("End");
  for (let i = 0; i < plan.bursts; i++) {
    await page.keyboard.type(` # ${i}`);
    await page.waitForTimeout(1000); // a pause: each one an autosave
  }
  out.during = await page.$eval("#save-status", (el) => ({
    text: el.textContent,
    state: el.dataset.state ?? "",
  }));
  out.limited_while_typing = out.limited;
  await record(page, "busy-drafts");
  limited = false;
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "saved",
    null,
    {
      timeout: plan.retry_after_s * 1000 + 15_000,
    },
  );
  out.after = await page.$eval("#save-status", (el) => el.textContent);
  await context.close();
  return out;
}

/** A microphone that cannot be opened (none plugged in, or blocked): getUserMedia rejects with `plan.error`. The
 * candidate presses Start the interview without using the check first: what the page shows. */
async function micUnavailable(browser, plan) {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.addInitScript((name) => {
    const refuse = () =>
      Promise.reject(new DOMException("no microphone", name));
    if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = refuse;
  }, plan.error);
  await page.goto(plan.url);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#start-voice");
  await page.waitForFunction(
    () =>
      document.getElementById("start-problem").textContent ||
      !document.getElementById("app").hidden,
    null,
    { timeout: 30_000 },
  );
  const out = await page.evaluate(() => ({
    app_visible: !document.getElementById("app").hidden,
    device_check_visible: !document.getElementById("device-check").hidden,
    start_problem: document.getElementById("start-problem").textContent,
    mic_fix: document.getElementById("mic-fix").hidden
      ? null
      : document.getElementById("mic-fix").dataset.problem,
    start_enabled: !document.getElementById("start-voice").disabled,
    clock: document.getElementById("clock").textContent,
  }));
  await record(page, `mic-${plan.error}`);
  await context.close();
  return out;
}

/** The network is down as the page opens (POST /v1/join fails), then comes back: whether the page opens the
 * interview by itself, without the candidate finding Try again. */
async function offlineJoin(browser, plan) {
  const out = { joins: 0 };
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.route("**/v1/join", (route) => {
    out.joins += 1;
    return out.joins === 1
      ? route.abort("internetdisconnected")
      : route.fallback();
  });
  await page.goto(plan.url);
  await page.waitForSelector("#notice:not([hidden])");
  out.notice = (await page.textContent("#notice-title")).trim();
  await context.setOffline(true);
  await page.waitForTimeout(300);
  await context.setOffline(false); // the browser fires "online"
  out.reopened = await page
    .waitForSelector("#welcome:not([hidden])", { timeout: 8000 })
    .then(() => true)
    .catch(() => false);
  await context.close();
  return out;
}

/** Draft saves stop reaching the API (a network failing between the two), the candidate types on (more than the
 * 64 KiB a browser lets a save outlive the page with) and reloads, confirming the browser's prompt; then saves
 * work again. What the editor holds after the reload, and whether it is saved then. */
async function unsavedReload(browser, plan) {
  const out = { refused: 0 };
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  const opened = async () => {
    await page.waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout: 60_000 },
    );
    await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 });
  };
  // The lines on screen (CodeMirror draws the viewport only): the start of what was typed is among them.
  const code = () =>
    page.$$eval(".cm-content .cm-line", (lines) =>
      lines.map((l) => l.textContent).join("\n"),
    );
  await page.goto(plan.url);
  await opened();
  await page.click(".cm-content .cm-line >> nth=0");
  await page.keyboard.press("End");
  await page.keyboard.type(plan.saved);
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "saved",
  );
  const refuse = (route) => {
    if (route.request().method() !== "PUT") return route.fallback();
    out.refused += 1;
    return route.abort("internetdisconnected");
  };
  await context.route("**/v1/sessions/*/drafts/*", refuse);
  await page.keyboard.insertText(plan.unsaved);
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "retrying",
  );
  page.on("dialog", (dialog) => void dialog.accept()); // the candidate confirms leaving
  await page.reload();
  await opened();
  out.after_reload = await code();
  await context.unroute("**/v1/sessions/*/drafts/*", refuse);
  out.saved_again = await page
    .waitForFunction(
      () => document.getElementById("save-status").dataset.state === "saved",
      null,
      { timeout: 40_000 },
    )
    .then(() => true)
    .catch(() => false);
  out.status = await page.$eval("#save-status", (el) => [
    el.dataset.state ?? "",
    el.textContent,
  ]);
  await record(page, "unsaved-reload");
  await context.close();
  return out;
}

/** The judge's queue is long: the Run's answer takes `delay_ms`. What the results pane and the screen reader's
 * region say meanwhile, and the report once it comes. */
async function slowRun(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.route("**/v1/sessions/*/runs", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, plan.delay_ms));
    await route.fallback();
  });
  await page.goto(plan.url);
  await page.waitForFunction(
    () => document.getElementById("question-title")?.textContent,
    null,
    { timeout: 60_000 },
  );
  await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 });
  await page.click("#run");
  await page.waitForTimeout(plan.look_ms);
  out.during = await page.evaluate(() => ({
    pending:
      document.querySelector("#results .report-pending")?.textContent ?? null,
    announced: document.getElementById("announcer").textContent,
    run_disabled: document.getElementById("run").disabled,
  }));
  await record(page, "slow-run");
  await page.waitForSelector("#results .report-summary", { timeout: 120_000 });
  out.summary = await page.textContent("#results .report-summary");
  await context.close();
  return out;
}

/** The accommodation dialog by keyboard alone: open it, write, send with Enter on Send; where focus is once the
 * request is sent (Send is disabled then), and once a failed request can be sent again. */
async function accommodationFocus(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  let fail = true;
  await page.route("**/v1/sessions/*/accommodation-requests", (route) =>
    fail ? route.abort("internetdisconnected") : route.fallback(),
  );
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  await page.focus("#welcome .accommodation-link");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#accommodation-dialog[open]");
  await page.focus("#accommodation-message");
  await page.keyboard.type(plan.message);
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el && el !== document.body
        ? el.id || el.textContent.trim()
        : "BODY";
    });
  await page.focus("#accommodation-send");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() =>
    document
      .getElementById("accommodation-status")
      .textContent.includes("not sent"),
  );
  out.after_failure = await focused();
  fail = false;
  await page.keyboard.press("Enter"); // again, from where focus is
  await page.waitForFunction(() =>
    document
      .getElementById("accommodation-status")
      .textContent.includes("was sent"),
  );
  out.after_success = await focused();
  await record(page, "accommodation-sent");
  await page.keyboard.press("Enter"); // Close
  out.dialog_open_after = await page.$eval(
    "#accommodation-dialog",
    (d) => d.open,
  );
  await context.close();
  return out;
}

/** POST /v1/join is answered once by something in front of the API (a proxy's, a CDN's or a firewall's own error
 * page, not JSON): what the notice says, whether the tab still holds the invite, and whether a reload then opens the
 * interview (the address bar no longer holds the link: web/src/invite.ts). */
async function proxyJoin(browser, plan) {
  const out = { joins: 0 };
  const context = await newContext(browser);
  const page = await context.newPage();
  page.on("pageerror", (e) => state.errors.push(String(e)));
  await page.route("**/v1/join", (route) => {
    out.joins += 1;
    if (out.joins > 1) return route.fallback();
    return route.fulfill({
      status: plan.status,
      headers: { "Content-Type": "text/html" },
      body: plan.body,
    });
  });
  await page.goto(plan.url);
  await page.waitForSelector("#notice:not([hidden])");
  out.notice = await page.evaluate(() => ({
    title: document.getElementById("notice-title").textContent,
    detail: document.getElementById("notice-detail").textContent,
    href: window.location.href,
    stored_invite: window.sessionStorage.getItem("shadows.invite"),
  }));
  await record(page, `proxy-${plan.status}`);
  await page.reload();
  out.reopened = await page
    .waitForSelector("#welcome:not([hidden])", { timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  out.after = (
    await page.textContent(out.reopened ? "#welcome-title" : "#notice-title")
  ).trim();
  await context.close();
  return out;
}

module.exports = drive(module, {
  busyJoin,
  busyDrafts,
  micUnavailable,
  offlineJoin,
  proxyJoin,
  unsavedReload,
  slowRun,
  accommodationFocus,
});
