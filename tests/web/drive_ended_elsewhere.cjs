// Drives the candidate page in Debian's headless chromium for tests/web/test_candidate_page_ended_elsewhere.py: the
// session changes on the server (the organisation cancels it, or gives extra time) while the candidate's page sits
// idle, nobody typing or running. New browser contexts per scenario; prints one JSON line as tests/web/conftest.py's
// run_driver expects. Every request the page makes to a non-loopback host is refused and reported.
"use strict";
// The harness (new browser contexts per scenario, loopback only, axe in every recorded state) is page_harness.cjs's,
// and so is opening the interview and typing into it.
const {
  record,
  newContext,
  watch,
  drive,
  opened,
  openInterview,
  typeAtFirstLineEnd,
} = require("./page_harness.cjs");

/** The organisation's own API call, made from here (not the page): `plan.org` is {url, key}. */
async function orgCall(plan, method, path, body) {
  const response = await fetch(plan.org.url + path, {
    method,
    headers: {
      Authorization: `Bearer ${plan.org.key}`,
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(
      `${method} ${path}: ${response.status} ${await response.text()}`,
    );
}

/** The candidate types (saved), then types more while saves do not get through (a flaky network, which stays so),
 * and stops (with `plan.width`, a narrow screen, going back to the Problem pane); the organisation cancels. What the page shows within `plan.wait_ms` without a keystroke
 * (the failing saves cannot tell it), and how soon. */
async function cancelledWhileIdle(browser, plan) {
  const out = { joins: 0 };
  const context = await newContext(
    browser,
    plan.width ? { viewport: { width: plan.width, height: 800 } } : {},
  );
  const page = await context.newPage();
  watch(page);
  page.on("request", (r) => {
    if (new URL(r.url()).pathname === "/v1/join") out.joins += 1;
  });
  await page.goto(plan.url);
  await opened(page);
  await typeAtFirstLineEnd(page, plan.saved);
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "saved",
  );
  await page.route("**/v1/sessions/*/drafts/*", (route) =>
    route.request().method() === "PUT"
      ? route.abort("internetdisconnected")
      : route.fallback(),
  );
  await page.keyboard.type(plan.unsaved);
  await page.waitForFunction(
    () => document.getElementById("save-status").dataset.state === "retrying",
  );
  if (plan.width) {
    await page.click("#tab-problem"); // a narrow screen: the candidate went back to reading the problem
    out.code_pane_before = await page.isVisible("#pane-code");
  }
  const joinsBefore = out.joins;
  await orgCall(plan, "POST", `/v1/sessions/${plan.session_id}/cancel`);
  const cancelledAt = Date.now();
  out.noticed = await page
    .waitForSelector("#ended-banner:not([hidden])", { timeout: plan.wait_ms })
    .then(() => true)
    .catch(() => false);
  out.after_ms = Date.now() - cancelledAt;
  out.joins_while_waiting = out.joins - joinsBefore;
  out.seen = await page.evaluate(() => {
    const lines = [...document.querySelectorAll(".cm-content .cm-line")]
      .map((l) => l.textContent)
      .join("\n");
    return {
      banner: document.getElementById("ended-banner").hidden
        ? null
        : document.getElementById("ended-banner").textContent,
      readonly: document
        .querySelector("#editor .cm-content")
        .getAttribute("aria-readonly"),
      code: lines,
      app_visible: !document.getElementById("app").hidden,
      run_disabled: document.getElementById("run").disabled,
      end_disabled: document.getElementById("end-interview").disabled,
      clock: document.getElementById("clock").textContent,
      save_status: document.getElementById("save-status").textContent,
      call_status: document.getElementById("call-status").textContent,
      call_start_hidden: document.getElementById("call-start").hidden,
      announced: document.getElementById("announcer").textContent,
      title: document.title,
      banner_on_screen: (() => {
        const box = document
          .getElementById("ended-banner")
          .getBoundingClientRect();
        return box.width > 0 && box.height > 0;
      })(),
      focus_on_screen:
        document.activeElement === document.body ||
        document.activeElement.offsetParent !== null,
    };
  });
  await record(page, "cancelled-while-idle");
  await context.close();
  return out;
}

/** The organisation gives `plan.extra_minutes` of extra time while the page is open: the clock before, and whether
 * it shows the new end within `plan.wait_ms` without a reload. */
async function extraTimeWhileOpen(browser, plan) {
  const out = {};
  const { context, page } = await openInterview(browser, plan);
  const seconds = () =>
    page.$eval("#clock", (el) => {
      const parts = el.textContent.split(":").map(Number);
      return parts.reduce((total, part) => total * 60 + part, 0);
    });
  out.before_s = await seconds();
  await orgCall(plan, "PATCH", `/v1/sessions/${plan.session_id}`, {
    extra_time_minutes: plan.extra_minutes,
  });
  const want = out.before_s + plan.extra_minutes * 60 - 120;
  out.moved = await page
    .waitForFunction(
      (least) => {
        const parts = document
          .getElementById("clock")
          .textContent.split(":")
          .map(Number);
        return parts.reduce((total, part) => total * 60 + part, 0) >= least;
      },
      want,
      { timeout: plan.wait_ms },
    )
    .then(() => true)
    .catch(() => false);
  out.after_s = await seconds();
  await record(page, "extra-time");
  await context.close();
  return out;
}

/** The start reaches the API (the interview starts, its clock runs) but its answer is lost on the way back (a
 * dropped connection). What the page shows right after, and whether it goes into the interview by itself within
 * `plan.wait_ms`, nothing clicked again. */
async function lostStart(browser, plan) {
  const out = { starts: 0 };
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.route("**/v1/sessions/*/start", async (route) => {
    out.starts += 1;
    await route.fetch(); // the API starts the interview
    await route.abort("connectionreset"); // and the page never hears so
  });
  await page.goto(plan.url);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#start-text");
  await page.waitForFunction(
    () => document.getElementById("start-problem").textContent,
  );
  out.said = await page.textContent("#start-problem");
  const failedAt = Date.now();
  out.entered = await page
    .waitForFunction(
      () => document.getElementById("question-title")?.textContent,
      null,
      { timeout: plan.wait_ms },
    )
    .then(() => true)
    .catch(() => false);
  out.after_ms = Date.now() - failedAt;
  out.seen = await page.evaluate(() => ({
    app_visible: !document.getElementById("app").hidden,
    device_check_visible: !document.getElementById("device-check").hidden,
    clock_state: document.getElementById("clock").dataset.state,
  }));
  if (out.entered) {
    await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 });
    await record(page, "lost-start-entered");
  }
  await context.close();
  return out;
}

module.exports = drive(module, {
  cancelledWhileIdle,
  extraTimeWhileOpen,
  lostStart,
});
