// Drives the candidate page in Debian's headless chromium: the interview from the welcome to the end, languages and
// tabs, reloads and clocks here, the other scenarios in page_keyboard.cjs, page_links.cjs, page_call.cjs and
// page_embeds.cjs, the harness in page_harness.cjs. Run as a script, one browser per scenario, printing what it saw as
// one JSON line; the tests in tests/web run it in browser_host.cjs's one browser instead, new contexts per scenario.
// The assertions live in the tests. The other drivers of the candidate page take the harness from page_harness.cjs.
//   node drive_page.cjs '{"scenario": "interview", "url": "...", "shots": "dir", ...}'
"use strict";
const harness = require("./page_harness.cjs");
const {
  record,
  newContext,
  watch,
  drive,
  opened,
  openInterview,
  typeAtFirstLineEnd,
  visible,
  text,
  editorCode,
} = harness;

async function replaceCode(page, code) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(code);
}

async function report(
  page,
  container = "#results",
  prefix = "",
  timeout = 180_000,
) {
  await page.waitForFunction(
    ([c, p]) => {
      const el = document.querySelector(
        `${c} .report-summary, ${c} .report-error`,
      );
      return el && el.textContent.startsWith(p);
    },
    [container, prefix],
    { timeout },
  );
  return page.evaluate((c) => {
    const root = document.querySelector(c);
    const summary = root.querySelector(".report-summary, .report-error");
    return {
      summary: summary.textContent,
      verdict: summary.getAttribute("data-verdict"),
      tests: [...root.querySelectorAll(".test-result, .custom-result")].map(
        (li) => ({
          id: li.getAttribute("data-test-id"),
          verdict: li.getAttribute("data-verdict"),
          text: li.textContent,
        }),
      ),
    };
  }, container);
}

const activeId = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.classList.contains("cm-content")
      ? "editor"
      : el?.id || el?.tagName;
  });

/** Welcome, consent, device check, start, Tab, paste, focus loss, custom input, run, submit, reload, new device,
 * dark mode, end. */
async function interview(browser, plan) {
  const out = {};
  const context = await newContext(browser, { colorScheme: "light" });
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);

  await page.waitForSelector("#welcome:not([hidden])");
  out.welcome = {
    title: await text(page, "#welcome-title"),
    role: await text(page, "#welcome-role"),
    notice: await text(page, "#welcome-notice"),
    brand: await text(page, "#org-name"),
    statement_in_dom: (await page.textContent("#question-statement")) || "",
    app_hidden: !(await visible(page, "#app")),
  };
  await record(page, "01-welcome");
  // The accommodation / human interview request, from the welcome.
  await page.click("#welcome .accommodation-link");
  await page.waitForSelector("#accommodation-dialog[open]");
  await page.check('input[name="kind"][value="human_interview"]');
  await page.fill("#accommodation-message", plan.accommodation);
  await page.click("#accommodation-send");
  await page.waitForFunction(() =>
    document
      .getElementById("accommodation-status")
      .textContent.includes("sent"),
  );
  out.accommodation = await text(page, "#accommodation-status");
  await record(page, "01b-accommodation-dialog");
  await page.keyboard.press("Escape");
  await page.click("#consent-continue");
  out.consent_refused_unticked = await text(page, "#consent-error");
  await page.check("#consent-check");
  await page.click("#consent-continue");

  await page.waitForSelector("#device-check:not([hidden])");
  // Agreed just now: the clock shows nothing ("--:--") until the server has said the interview has not started.
  out.clock_on_arrival = await text(page, "#clock");
  await page.waitForFunction(
    () => document.getElementById("clock").dataset.state !== "unknown",
  );
  out.before_start = {
    statement_in_dom: (await page.textContent("#question-statement")) || "",
    starter_in_dom: await page.$$eval(".cm-line", (l) => l.length),
    clock: await text(page, "#clock"),
  };
  await page.click("#mic-request");
  await page.waitForFunction(
    () =>
      document
        .getElementById("mic-heard")
        .textContent.includes("We can hear you"),
    null,
    {
      timeout: 30_000,
    },
  );
  await page.click("#speaker-test");
  out.device = {
    heard: await text(page, "#mic-heard"),
    microphones: await page.$$eval("#mic-select option", (o) =>
      o.map((x) => x.textContent),
    ),
    meter: await page.$eval("#mic-meter", (m) => m.value),
    speaker: await text(page, "#speaker-status"),
    text_only_offered: await visible(page, "#start-text"),
  };
  await record(page, "02-device-check");

  await page.click("#start-voice");
  out.opened = await opened(page);
  await page.waitForSelector('#call-panel[data-status="failed"]', {
    timeout: 60_000,
  });
  out.call = {
    status: await text(page, "#call-status"),
    retry: await text(page, "#call-start"),
  };
  out.topbar = {
    end_visible: await visible(page, "#end-interview"),
    indicator: await text(page, "#agent-indicator-text"),
  };
  await record(page, "03-interview");

  // Tab never traps: without typing, Tab passes through the editor; after typing it indents; Esc then Tab leaves.
  out.tab = {};
  await page.focus("#submit");
  await page.keyboard.press("Tab");
  out.tab.into = await activeId(page);
  await page.keyboard.press("Tab");
  out.tab.passed_through_to = await activeId(page);
  out.tab.hint_visible = await visible(page, "#tab-hint");
  await page.click(".cm-content .cm-line >> nth=0");
  await page.keyboard.press("End");
  await page.keyboard.type("#");
  const before = await editorCode(page);
  await page.keyboard.press("Tab");
  out.tab.after_typing_focus = await activeId(page);
  out.tab.indented = (await editorCode(page)) !== before;
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  out.tab.after_escape = await activeId(page);

  // A paste into the editor (its size is observed, never its text) and a focus loss of about 2.5 s.
  await page.click(".cm-content");
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    document.querySelector(".cm-content").dispatchEvent(
      new ClipboardEvent("paste", {
        clipboardData: data,
        bubbles: true,
        cancelable: true,
      }),
    );
  }, plan.paste);
  await page.evaluate(() => window.dispatchEvent(new Event("blur")));
  await page.waitForTimeout(2500);
  await page.evaluate(() => window.dispatchEvent(new Event("focus")));

  // A devtools shortcut is noted (an observation, nothing more).
  await page.keyboard.press("F12");

  // A compile error is marked in the gutter on its line.
  await replaceCode(page, plan.broken);
  await page.click("#run");
  out.broken_run = await report(page, "#results", "Run");
  await page.waitForSelector(".cm-lint-marker-error");
  out.gutter = await page.evaluate(() => {
    const marker = document.querySelector(
      ".cm-gutter-lint .cm-gutterElement .cm-lint-marker-error",
    );
    const row = marker?.closest(".cm-gutterElement");
    const lines = [
      ...document.querySelectorAll(".cm-lineNumbers .cm-gutterElement"),
    ];
    const top = row?.getBoundingClientRect().top;
    const line = lines.find(
      (l) => Math.abs(l.getBoundingClientRect().top - top) < 2,
    );
    return { marked: !!marker, line: line ? Number(line.textContent) : null };
  });

  // Custom input: the candidate's own arguments, shown with the parameter names.
  await replaceCode(page, plan.code);
  await page.click("#out-custom");
  out.custom_labels = await page.$$eval("#custom-fields label", (l) =>
    l.map((x) => x.textContent),
  );
  await page.fill("#custom-arg-0", "[3, 3]");
  await page.fill("#custom-arg-1", "6");
  await page.click("#custom-run");
  out.custom = await report(page, "#custom-output");
  await record(page, "04-custom-input");
  await page.fill("#custom-arg-1", "not json");
  await page.click("#custom-run");
  out.custom_bad_json = await text(page, "#custom-error");

  // A custom input out when the page reloads (the reload cancels its request, not the judge's run): the page opened
  // again brings the custom-input pane forward, says it is still running, and shows what it returned once stored.
  // Its request is held here, and the run reaches the server only after the reload (`plan.custom_run`, as the page
  // would have sent it), so what the page is shown never depends on how fast the judge was.
  await page.fill("#custom-arg-1", "6");
  await page.route("**/custom-runs", () => undefined); // never answered: the reload cancels it
  const sent = page.waitForRequest("**/custom-runs");
  await page.click("#custom-run");
  await sent;
  const leave = (dialog) => void dialog.accept(); // a save still on its way: the candidate confirms the reload
  page.on("dialog", leave);
  await page.reload();
  await opened(page);
  page.off("dialog", leave);
  await page.unroute("**/custom-runs");
  out.custom_reload = await page.evaluate(() => ({
    pane_visible: !document.getElementById("custom").hidden,
    note:
      document.querySelector("#custom-output .results-later")?.textContent ??
      null,
    // The Run made before the custom inputs, kept in its pane though a custom input is newer.
    results:
      document.querySelector("#results .report-summary")?.textContent ?? null,
    args: [...document.querySelectorAll("#custom-fields input")].map(
      (i) => i.value,
    ),
  }));
  const ran = await fetch(plan.custom_run.url, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${plan.custom_run.invite}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      language: "python",
      code: plan.code,
      inputs: [plan.custom_run.args],
    }),
  });
  out.custom_reload.status = ran.status;
  await page.waitForFunction(
    (shown) =>
      document
        .querySelector("#custom-output .custom-result")
        ?.textContent.includes(shown),
    plan.custom_run.shown,
    { timeout: 60_000 },
  );
  out.custom_reload.after = await report(
    page,
    "#custom-output",
    "Custom input",
  );
  out.custom_reload.notes_after = await page.$$eval(
    "#custom-output .results-later",
    (n) => n.length,
  );

  await page.click("#run");
  out.run = await report(page, "#results", "Run");
  await page.click("#out-console");
  out.console = await text(page, "#console");
  await page.click("#out-results");

  // A Run whose answer a network drop loses while the page stays: the server runs and stores it, and the page,
  // told only that the connection failed, says so and shows the stored report once it reads it (within 5 s).
  // Meanwhile another tab of the same candidate runs other code (it does not compile): stored after this one left,
  // it is the newest Run, and only the id the page gave its own Run tells the two apart.
  let sentId = null;
  let otherTab = null;
  await page.route("**/runs", async (route) => {
    sentId = route.request().headers()["x-shadows-client-run-id"] ?? null;
    await route.fetch(); // the request reaches the API, which judges and stores the Run
    const other = await fetch(
      plan.custom_run.url.replace(/custom-runs$/, "runs"),
      {
        method: "POST",
        headers: {
          Authorization: `Bearer ${plan.custom_run.invite}`,
          "Content-Type": "application/json",
          "X-Shadows-Client-Run-Id": "another-tab-run-000001",
        },
        body: JSON.stringify({ language: "python", code: plan.broken }),
      },
    );
    otherTab = other.status;
    await route.abort("connectionreset");
  });
  await page.click("#run");
  await page.waitForSelector("#results .results-later");
  out.run_lost = { note: await text(page, "#results .results-later") };
  await page.unroute("**/runs");
  await page.waitForSelector("#results .report-summary", { timeout: 30_000 });
  out.run_lost.after = await text(page, "#results .report-summary");
  Object.assign(out.run_lost, { sent_id: sentId, other_tab: otherTab });
  await page.waitForTimeout(5500); // the integrity batch goes out every 5 s

  // Submit asks first; Cancel changes nothing.
  await page.click("#submit");
  await page.waitForSelector("#confirm-dialog[open]");
  out.confirm = {
    title: await text(page, "#confirm-title"),
    focused: await activeId(page),
  };
  await record(page, "05-submit-confirm");
  await page.click("#confirm-cancel");
  out.after_cancel_final_hidden = !(await visible(page, "#final-state"));
  await page.click("#submit");
  await page.click("#confirm-ok");
  out.submission = await report(page, "#results", "Submission");
  await page.waitForSelector("#final-state:not([hidden])");
  out.final_state = await text(page, "#final-state");
  const frozen = await editorCode(page);
  await page.click(".cm-content");
  await page.keyboard.type("zzz");
  out.read_only = (await editorCode(page)) === frozen;
  out.submit_disabled = await page.isDisabled("#submit");
  await record(page, "06-submitted");

  // A reload resumes the session, the server draft and the latest results.
  await page.reload();
  out.reloaded = await opened(page);
  out.reloaded_code = await editorCode(page);
  await page.waitForSelector("#results .report-summary");
  out.reloaded_results = await text(page, "#results .report-summary");
  out.reloaded_final = await visible(page, "#final-state");
  out.reloaded_call_button = await text(page, "#call-start");

  // Another device (a new browser context, dark system theme) resumes the same draft.
  const other = await newContext(browser, { colorScheme: "dark" });
  const second = await other.newPage();
  watch(second);
  await second.goto(plan.url);
  await opened(second);
  out.other_device_code = await editorCode(second);
  out.dark = {
    theme: await second.evaluate(() => document.documentElement.dataset.theme),
    background: await second.evaluate(
      () => getComputedStyle(document.documentElement).backgroundColor,
    ),
    editor_dark: await second.evaluate(
      () => !!document.querySelector(".cm-editor")?.className.match(/ͼ/),
    ),
  };
  await record(second, "07-dark");
  await second.click("#theme-toggle");
  out.dark.after_toggle = await second.evaluate(
    () => document.documentElement.dataset.theme,
  );
  out.dark.background_after = await second.evaluate(
    () => getComputedStyle(document.documentElement).backgroundColor,
  );
  await other.close();

  // End the interview, with confirmation.
  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  out.end_confirm = await text(page, "#confirm-title");
  await record(page, "07b-end-confirm");
  await page.click("#confirm-ok");
  await page.waitForSelector("#finished:not([hidden])", { timeout: 60_000 });
  out.finished = await text(page, "#finished");
  await record(page, "08-finished");
  await context.close();
  return out;
}

/** What End interview's confirmation says, then Cancel: nothing is ended. */
async function endConfirmation(page) {
  await page.click("#end-interview");
  await page.waitForSelector("#confirm-dialog[open]");
  const detail = await text(page, "#confirm-detail");
  await page.click("#confirm-cancel");
  await page.waitForFunction(
    () => !document.getElementById("confirm-dialog").open,
  );
  return detail;
}

/** Two languages, each with its own draft, surviving a reload; then a second tab, whose work the first keeps. */
async function languages(browser, plan) {
  const out = {};
  const { context, page } = await openInterview(browser, plan);
  out.options = await page.$$eval("#language-select option", (o) =>
    o.map((x) => x.value),
  );
  await replaceCode(page, plan.python);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() =>
    document.querySelector(".cm-content").textContent.includes("function"),
  );
  out.javascript_starter = await editorCode(page);
  await replaceCode(page, plan.javascript);
  await page.selectOption("#language-select", "python");
  await page.waitForFunction(
    () =>
      !document.querySelector(".cm-content").textContent.includes("function"),
  );
  out.python_back = await editorCode(page);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() =>
    document.querySelector(".cm-content").textContent.includes("function"),
  );
  out.javascript_back = await editorCode(page);
  await page.waitForSelector('#save-status[data-state="saved"]', {
    timeout: 20_000,
  });
  await record(page, "languages");
  await page.reload();
  await opened(page);
  out.reloaded_python = await editorCode(page);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() =>
    document.querySelector(".cm-content").textContent.includes("function"),
  );
  out.reloaded_javascript = await editorCode(page);

  // A second tab on the same interview saves; the first, older tab's next save must not replace that work.
  const newer = await context.newPage();
  watch(newer);
  await newer.goto(plan.url);
  await opened(newer);
  await page.selectOption("#language-select", "python");
  await page.waitForFunction(
    () =>
      !document.querySelector(".cm-content").textContent.includes("function"),
  );
  await replaceCode(newer, plan.newer_tab);
  await newer.waitForSelector('#save-status[data-state="saved"]', {
    timeout: 20_000,
  });
  await replaceCode(page, plan.stale_tab);
  await page.waitForSelector('#save-status[data-state="conflict"]', {
    timeout: 20_000,
  });
  out.stale_tab_status = await text(page, "#save-status");
  // The stale tab stops: typing would go nowhere, and Run or Submit would use code older than the newest.
  out.stale_tab = await page.evaluate(() => ({
    banner: document.getElementById("stale-banner").hidden
      ? null
      : document.getElementById("stale-banner").textContent,
    read_only: document
      .querySelector("#editor .cm-content")
      .getAttribute("aria-readonly"),
    run_disabled: document.getElementById("run").disabled,
    submit_disabled: document.getElementById("submit").disabled,
  }));
  // End interview's confirmation says which code is kept: in this tab, the code saved last (the other tab's), not
  // "your current code"; in the newer tab, its current code, in the language it shows.
  out.stale_tab_end_confirm = await endConfirmation(page);
  out.newer_tab_end_confirm = await endConfirmation(newer);
  await record(page, "stale-tab");
  await Promise.all([page.waitForNavigation(), page.click("#stale-reload")]); // the banner's Reload
  await opened(page);
  out.stale_tab_reloaded = await editorCode(page);

  // Now the other tab is the older one, and idle: it has not saved since, so no save of its own was refused. Its End
  // asks the server's drafts before handing in its code, and asks again with what is kept now.
  await replaceCode(page, plan.newest);
  await page.waitForSelector('#save-status[data-state="saved"]', {
    timeout: 20_000,
  });
  await newer.click("#end-interview");
  await newer.waitForSelector("#confirm-dialog[open]");
  out.idle_tab_first_confirm = await text(newer, "#confirm-detail");
  await newer.click("#confirm-ok");
  await newer.waitForFunction(
    () =>
      document.getElementById("confirm-dialog").open &&
      document
        .getElementById("confirm-detail")
        .textContent.includes("saved last"),
    null,
    { timeout: 20_000 },
  );
  out.idle_tab_second_confirm = await text(newer, "#confirm-detail");
  out.idle_tab_banner = await newer.evaluate(
    () => !document.getElementById("stale-banner").hidden,
  );
  await newer.click("#confirm-cancel");
  await newer.waitForFunction(
    () => !document.getElementById("end-interview").disabled,
  );
  await context.close();
  return out;
}

/** The candidate types and reloads at once (or closes the tab, or the phone's browser drops it), before the
 * autosave's quiet time is over, and confirms the browser's "Reload site?": what the editor holds afterwards. */
async function reloadWhileTyping(browser, plan) {
  const out = {};
  const { context, page } = await openInterview(browser, plan);
  await typeAtFirstLineEnd(page, plan.typed);
  out.status_before = await page.$eval(
    "#save-status",
    (el) => el.dataset.state ?? "",
  );
  page.on("dialog", (dialog) => void dialog.accept()); // the candidate confirms leaving
  await page.reload();
  await opened(page);
  out.code = await editorCode(page);
  await context.close();
  return out;
}

/** A device whose clock is off by `skew_ms` (a laptop never synchronised, a clock set by hand): what the interview's
 * countdown shows and which state it is in, read at once and again `wait_ms` later (time flows as usual). */
async function skewedClock(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.clock.install({ time: Date.now() + plan.skew_ms });
  await page.goto(plan.url);
  out.opened = await opened(page);
  await page.waitForTimeout(plan.wait_ms ?? 0);
  out.later = await page.$eval("#clock", (el) => ({
    text: el.textContent,
    state: el.dataset.state,
  }));
  await context.close();
  return out;
}

module.exports.run = drive(module, {
  interview,
  languages,
  reloadWhileTyping,
  skewedClock,
  ...require("./page_links.cjs"),
  ...require("./page_embeds.cjs"),
  ...require("./page_call.cjs"),
  ...require("./page_keyboard.cjs"),
}).run;
