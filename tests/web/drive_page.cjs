// Drives the candidate page (and /docs) in Debian's headless chromium with playwright-core from web/node_modules:
// run as a script, one browser per scenario, printing what it saw as one JSON line; the tests in tests/web run it in
// browser_host.cjs's one browser instead, new contexts per scenario. The assertions live in the tests. Every request
// to a non-loopback host is refused and reported.
//   node drive_page.cjs '{"scenario": "interview", "url": "...", "shots": "dir", ...}'
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const WEB = path.resolve(__dirname, "../../web");
const { chromium } = require(require.resolve("playwright-core", { paths: [WEB] }));
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js", { paths: [WEB] }), "utf8");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  "--autoplay-policy=no-user-gesture-required",
  "--allow-loopback-in-peer-connection",
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

const state = { blocked: [], requests: [], errors: [], shots: null, axe: {} };

async function shot(page, name, fullPage = true) {
  if (!state.shots) return;
  fs.mkdirSync(state.shots, { recursive: true });
  await page.screenshot({ path: path.join(state.shots, `${name}.png`), fullPage });
}

/** axe-core violations of a page or frame as it is now (evaluated over CDP, so the page's CSP holds). */
async function axe(target, name) {
  await target.evaluate(AXE);
  const violations = await target.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
      first: v.nodes[0] ? `${v.nodes[0].html.slice(0, 160)} :: ${(v.nodes[0].failureSummary || "").slice(0, 240)}` : null,
    }));
  });
  state.axe[name] = violations;
  return violations;
}

async function record(page, name) {
  await shot(page, name);
  await axe(page, name);
}

const visible = (page, sel) => page.isVisible(sel);
const text = (page, sel) => page.textContent(sel).then((t) => (t ?? "").trim());

async function editorText(page) {
  return page.$$eval(".cm-content .cm-line", (lines) => lines.map((l) => l.textContent).join("\n"));
}

async function replaceCode(page, code) {
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(code);
}

async function report(page, container = "#results", prefix = "", timeout = 180_000) {
  await page.waitForFunction(
    ([c, p]) => {
      const el = document.querySelector(`${c} .report-summary, ${c} .report-error`);
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
      tests: [...root.querySelectorAll(".test-result, .custom-result")].map((li) => ({
        id: li.getAttribute("data-test-id"),
        verdict: li.getAttribute("data-verdict"),
        text: li.textContent,
      })),
    };
  }, container);
}

async function opened(page) {
  await page.waitForFunction(() => document.getElementById("question-title")?.textContent, null, { timeout: 60_000 });
  await page.waitForSelector(".cm-content .cm-line");
  await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 }); // the server's drafts are in
  return page.evaluate(() => ({
    title: document.getElementById("question-title").textContent,
    statement: document.getElementById("question-statement").textContent,
    examples: [...document.querySelectorAll("#visible-tests .example")].map((e) => e.textContent),
    clock: document.getElementById("clock").textContent,
    clock_state: document.getElementById("clock").dataset.state,
    href: location.href,
  }));
}

/** A new context (newContext's, with `options`) and one watched page in it, opened at `plan.url` and waited for
 * until the interview shows (opened). */
async function openInterview(browser, plan, options = {}) {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await opened(page);
  return { context, page };
}

/** Types `typed` at the end of the editor's first line, as a candidate clicking into it does. */
async function typeAtFirstLineEnd(page, typed) {
  await page.click(".cm-content .cm-line >> nth=0");
  await page.keyboard.press("End");
  await page.keyboard.type(typed);
}

const activeId = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el?.classList.contains("cm-content") ? "editor" : el?.id || el?.tagName;
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
  await page.waitForFunction(() => document.getElementById("accommodation-status").textContent.includes("sent"));
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
  await page.waitForFunction(() => document.getElementById("clock").dataset.state !== "unknown");
  out.before_start = {
    statement_in_dom: (await page.textContent("#question-statement")) || "",
    starter_in_dom: await page.$$eval(".cm-line", (l) => l.length),
    clock: await text(page, "#clock"),
  };
  await page.click("#mic-request");
  await page.waitForFunction(() => document.getElementById("mic-heard").textContent.includes("We can hear you"), null, {
    timeout: 30_000,
  });
  await page.click("#speaker-test");
  out.device = {
    heard: await text(page, "#mic-heard"),
    microphones: await page.$$eval("#mic-select option", (o) => o.map((x) => x.textContent)),
    meter: await page.$eval("#mic-meter", (m) => m.value),
    speaker: await text(page, "#speaker-status"),
    text_only_offered: await visible(page, "#start-text"),
  };
  await record(page, "02-device-check");

  await page.click("#start-voice");
  out.opened = await opened(page);
  await page.waitForSelector('#call-panel[data-status="failed"]', { timeout: 60_000 });
  out.call = { status: await text(page, "#call-status"), retry: await text(page, "#call-start") };
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
  const before = await editorText(page);
  await page.keyboard.press("Tab");
  out.tab.after_typing_focus = await activeId(page);
  out.tab.indented = (await editorText(page)) !== before;
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  out.tab.after_escape = await activeId(page);

  // A paste into the editor (its size is observed, never its text) and a focus loss of about 2.5 s.
  await page.click(".cm-content");
  await page.evaluate((pasted) => {
    const data = new DataTransfer();
    data.setData("text/plain", pasted);
    document
      .querySelector(".cm-content")
      .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
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
    const marker = document.querySelector(".cm-gutter-lint .cm-gutterElement .cm-lint-marker-error");
    const row = marker?.closest(".cm-gutterElement");
    const lines = [...document.querySelectorAll(".cm-lineNumbers .cm-gutterElement")];
    const top = row?.getBoundingClientRect().top;
    const line = lines.find((l) => Math.abs(l.getBoundingClientRect().top - top) < 2);
    return { marked: !!marker, line: line ? Number(line.textContent) : null };
  });

  // Custom input: the candidate's own arguments, shown with the parameter names.
  await replaceCode(page, plan.code);
  await page.click("#out-custom");
  out.custom_labels = await page.$$eval("#custom-fields label", (l) => l.map((x) => x.textContent));
  await page.fill("#custom-arg-0", "[3, 3]");
  await page.fill("#custom-arg-1", "6");
  await page.click("#custom-run");
  out.custom = await report(page, "#custom-output");
  await record(page, "04-custom-input");
  await page.fill("#custom-arg-1", "not json");
  await page.click("#custom-run");
  out.custom_bad_json = await text(page, "#custom-error");

  await page.click("#run");
  out.run = await report(page, "#results", "Run");
  await page.click("#out-console");
  out.console = await text(page, "#console");
  await page.click("#out-results");
  await page.waitForTimeout(5500); // the integrity batch goes out every 5 s

  // Submit asks first; Cancel changes nothing.
  await page.click("#submit");
  await page.waitForSelector("#confirm-dialog[open]");
  out.confirm = { title: await text(page, "#confirm-title"), focused: await activeId(page) };
  await record(page, "05-submit-confirm");
  await page.click("#confirm-cancel");
  out.after_cancel_final_hidden = !(await visible(page, "#final-state"));
  await page.click("#submit");
  await page.click("#confirm-ok");
  out.submission = await report(page, "#results", "Submission");
  await page.waitForSelector("#final-state:not([hidden])");
  out.final_state = await text(page, "#final-state");
  const frozen = await editorText(page);
  await page.click(".cm-content");
  await page.keyboard.type("zzz");
  out.read_only = (await editorText(page)) === frozen;
  out.submit_disabled = await page.isDisabled("#submit");
  await record(page, "06-submitted");

  // A reload resumes the session, the server draft and the latest results.
  await page.reload();
  out.reloaded = await opened(page);
  out.reloaded_code = await editorText(page);
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
  out.other_device_code = await editorText(second);
  out.dark = {
    theme: await second.evaluate(() => document.documentElement.dataset.theme),
    background: await second.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
    editor_dark: await second.evaluate(() => !!document.querySelector(".cm-editor")?.className.match(/ͼ/)),
  };
  await record(second, "07-dark");
  await second.click("#theme-toggle");
  out.dark.after_toggle = await second.evaluate(() => document.documentElement.dataset.theme);
  out.dark.background_after = await second.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
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
  await page.waitForFunction(() => !document.getElementById("confirm-dialog").open);
  return detail;
}

/** Two languages, each with its own draft, surviving a reload; then a second tab, whose work the first keeps. */
async function languages(browser, plan) {
  const out = {};
  const { context, page } = await openInterview(browser, plan);
  out.options = await page.$$eval("#language-select option", (o) => o.map((x) => x.value));
  await replaceCode(page, plan.python);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() => document.querySelector(".cm-content").textContent.includes("function"));
  out.javascript_starter = await editorText(page);
  await replaceCode(page, plan.javascript);
  await page.selectOption("#language-select", "python");
  await page.waitForFunction(() => !document.querySelector(".cm-content").textContent.includes("function"));
  out.python_back = await editorText(page);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() => document.querySelector(".cm-content").textContent.includes("function"));
  out.javascript_back = await editorText(page);
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 20_000 });
  await record(page, "languages");
  await page.reload();
  await opened(page);
  out.reloaded_python = await editorText(page);
  await page.selectOption("#language-select", "javascript");
  await page.waitForFunction(() => document.querySelector(".cm-content").textContent.includes("function"));
  out.reloaded_javascript = await editorText(page);

  // A second tab on the same interview saves; the first, older tab's next save must not replace that work.
  const newer = await context.newPage();
  watch(newer);
  await newer.goto(plan.url);
  await opened(newer);
  await page.selectOption("#language-select", "python");
  await page.waitForFunction(() => !document.querySelector(".cm-content").textContent.includes("function"));
  await replaceCode(newer, plan.newer_tab);
  await newer.waitForSelector('#save-status[data-state="saved"]', { timeout: 20_000 });
  await replaceCode(page, plan.stale_tab);
  await page.waitForSelector('#save-status[data-state="conflict"]', { timeout: 20_000 });
  out.stale_tab_status = await text(page, "#save-status");
  // The stale tab stops: typing would go nowhere, and Run or Submit would use code older than the newest.
  out.stale_tab = await page.evaluate(() => ({
    banner: document.getElementById("stale-banner").hidden ? null : document.getElementById("stale-banner").textContent,
    read_only: document.querySelector("#editor .cm-content").getAttribute("aria-readonly"),
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
  out.stale_tab_reloaded = await editorText(page);

  // Now the other tab is the older one, and idle: it has not saved since, so no save of its own was refused. Its End
  // asks the server's drafts before handing in its code, and asks again with what is kept now.
  await replaceCode(page, plan.newest);
  await page.waitForSelector('#save-status[data-state="saved"]', { timeout: 20_000 });
  await newer.click("#end-interview");
  await newer.waitForSelector("#confirm-dialog[open]");
  out.idle_tab_first_confirm = await text(newer, "#confirm-detail");
  await newer.click("#confirm-ok");
  await newer.waitForFunction(
    () =>
      document.getElementById("confirm-dialog").open &&
      document.getElementById("confirm-detail").textContent.includes("saved last"),
    null,
    { timeout: 20_000 },
  );
  out.idle_tab_second_confirm = await text(newer, "#confirm-detail");
  out.idle_tab_banner = await newer.evaluate(() => !document.getElementById("stale-banner").hidden);
  await newer.click("#confirm-cancel");
  await newer.waitForFunction(() => !document.getElementById("end-interview").disabled);
  await context.close();
  return out;
}

/** The embed page inside host pages: each width, a disallowed host, and a host that forgot allow="microphone". */
async function embeds(browser, plan) {
  const out = {};
  const context = await newContext(browser, { viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  watch(page);
  for (const [name, host] of Object.entries(plan.hosts)) {
    await page.goto(host.url);
    await page.waitForTimeout(300);
    const frame = page.frames().find((f) => f.url().startsWith(plan.api));
    if (!host.expect) {
      // Chromium refuses to render the page: the frame shows its error page, never ours.
      await page.waitForTimeout(1000);
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      const ours = [];
      for (const f of frames) {
        const has = await f.evaluate(() => !!document.getElementById("app")).catch(() => false);
        ours.push({ url: f.url(), has_page: has });
      }
      out[name] = { frames: ours };
      await shot(page, `embed-${name}`);
      continue;
    }
    if (!frame) throw new Error(`${name}: no frame from the API`);
    await frame.waitForSelector(host.expect, { timeout: 60_000 });
    const seen = await frame.evaluate(() => {
      const d = document.documentElement;
      const rect = (sel) => {
        const el = document.querySelector(sel);
        if (!el || el.offsetParent === null) return null;
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      };
      return {
        width: window.innerWidth,
        scroll_width: d.scrollWidth,
        client_width: d.clientWidth,
        tabs_visible: getComputedStyle(document.querySelector(".tabs")).display !== "none",
        clock: rect("#clock"),
        end: rect("#end-interview"),
        run: rect("#run"),
        submit: rect("#submit"),
        tab_problem: rect("#tab-problem"),
        laptop_note: !document.getElementById("laptop-note").hidden,
        embed_problem: document.getElementById("embed-problem").hidden ? null : document.getElementById("embed-problem").textContent,
        mic_fix: document.getElementById("mic-fix").hidden ? null : document.getElementById("mic-fix").dataset.problem,
        welcome: !document.getElementById("welcome").hidden,
        device: !document.getElementById("device-check").hidden,
        app: !document.getElementById("app").hidden,
      };
    });
    if (seen.app) {
      await frame.click("#tab-problem");
      seen.problem_after_tab = await frame.evaluate(() => document.getElementById("pane-problem").offsetParent !== null);
      seen.scroll_width_problem = await frame.evaluate(() => document.documentElement.scrollWidth);
      await frame.click("#tab-code");
    }
    seen.axe = await axe(frame, `embed-${name}`);
    await shot(page, `embed-${name}`);
    out[name] = seen;
  }
  await context.close();
  return out;
}

/** Voice against a fake LiveKit server: the interviewer does not join (the page says so, calls it again once, then
 * offers the text-only path); in a second session it joins after the redispatch and its states show; mute; end. */
async function call(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  const detail = () => text(page, "#call-detail");
  const waitDetail = (needle, timeout = 60_000) =>
    page.waitForFunction((n) => document.getElementById("call-detail").textContent.includes(n), needle, { timeout });

  await page.goto(plan.absent);
  await page.waitForSelector("#device-check:not([hidden])");
  await page.click("#start-voice");
  await page.waitForSelector('#call-panel[data-status="connected"]', { timeout: 60_000 });
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
  await second.waitForSelector('#call-panel[data-status="connected"]', { timeout: 60_000 });
  await second.evaluate(() => {
    window.__states = [];
    const el = document.getElementById("agent-indicator");
    new MutationObserver(() => window.__states.push(el.dataset.state)).observe(el, { attributes: true });
  });
  await second.waitForFunction(() => window.__states.includes("speaking"), null, { timeout: 60_000 });
  out.states = await second.evaluate(() => [...new Set(window.__states)]);
  out.agent_text = await text(second, "#agent-state");
  out.joined_detail = await text(second, "#call-detail");
  await second.waitForSelector("#topbar-mute:not([hidden])");
  await second.click("#topbar-mute");
  await second.waitForFunction(() => document.getElementById("topbar-mute").getAttribute("aria-pressed") === "true");
  out.muted = { text: await text(second, "#topbar-mute"), panel: await text(second, "#call-mute") };
  await record(second, "agent-joined-muted");
  await second.evaluate(() => {
    window.__details = [];
    const el = document.getElementById("call-detail");
    new MutationObserver(() => window.__details.push(el.textContent)).observe(el, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  await second.click("#end-interview");
  await second.click("#confirm-ok");
  await second.waitForSelector("#finished:not([hidden])", { timeout: 90_000 });
  out.finished = await text(second, "#finished");
  out.end_details = await second.evaluate(() => window.__details);
  await context.close();
  return out;
}

/** Each of `plan.urls` in a fresh tab: the notice it shows instead of the interview. */
async function notices(browser, plan) {
  const seen = {};
  const context = await newContext(browser);
  for (const [name, url] of Object.entries(plan.urls)) {
    const tab = await context.newPage();
    watch(tab);
    await tab.goto(url);
    await tab.waitForSelector("#notice:not([hidden]), #welcome:not([hidden]), #app:not([hidden])", { timeout: 60_000 });
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
    headers: { Authorization: `Bearer ${plan.change.key}`, "Content-Type": "application/json" },
    body: JSON.stringify(plan.change.body),
  });
  out.change_status = changed.status;
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForFunction(() => document.getElementById("consent-error").textContent, null, { timeout: 15_000 });
  await page.waitForFunction(() => !document.getElementById("consent-continue").disabled);
  out.refused = {
    error: await text(page, "#consent-error"),
    notice: await text(page, "#welcome-notice"),
    checked: await page.isChecked("#consent-check"),
    welcome_visible: await visible(page, "#welcome"),
  };
  await record(page, "notice-changed");
  await page.check("#consent-check");
  await page.click("#consent-continue");
  await page.waitForSelector("#device-check:not([hidden]), #consent-error:not(:empty)", { timeout: 15_000 });
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
    if (held.length === 0) held.push(route); // the first one never answers
    else route.fallback();
  });
  await page.clock.install();
  await page.goto(plan.url);
  await page.waitForFunction(() => document.getElementById("loading") !== null);
  await page.clock.runFor(plan.wait_ms);
  out.after_wait = await page.evaluate(() => ({
    loading_visible: !document.getElementById("loading").hidden,
    notice: document.getElementById("notice").hidden ? null : document.getElementById("notice-title").textContent,
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

/** The candidate types and reloads at once (or closes the tab, or the phone's browser drops it), before the
 * autosave's quiet time is over, and confirms the browser's "Reload site?": what the editor holds afterwards. */
async function reloadWhileTyping(browser, plan) {
  const out = {};
  const { context, page } = await openInterview(browser, plan);
  await typeAtFirstLineEnd(page, plan.typed);
  out.status_before = await page.$eval("#save-status", (el) => el.dataset.state ?? "");
  page.on("dialog", (dialog) => void dialog.accept()); // the candidate confirms leaving
  await page.reload();
  await opened(page);
  out.code = await editorText(page);
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
  out.later = await page.$eval("#clock", (el) => ({ text: el.textContent, state: el.dataset.state }));
  await context.close();
  return out;
}

/** Where focus is: the element, whether a sighted keyboard user can see it, what a screen reader names it, and
 * which screen of the page holds it. */
function focusedElement(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { id: "BODY", visible: false, name: "" };
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const inViewport = r.bottom > 0 && r.right > 0 && r.top < window.innerHeight && r.left < window.innerWidth;
    const visible =
      r.width > 0 &&
      r.height > 0 &&
      inViewport &&
      style.visibility !== "hidden" &&
      !el.closest("[hidden]") &&
      (el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) : true);
    const labelled = (el.getAttribute("aria-labelledby") || "")
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent || "")
      .join(" ");
    const name = (
      el.getAttribute("aria-label") ||
      labelled ||
      (el.labels && el.labels.length ? [...el.labels].map((l) => l.textContent).join(" ") : "") ||
      (el.tagName === "SELECT" ? "" : el.textContent) ||
      el.getAttribute("title") ||
      ""
    )
      .replace(/\s+/g, " ")
      .trim();
    const screen = el.closest("#loading, #notice, #welcome, #device-check, #app, #finished, #laptop-note, header, dialog");
    return {
      id: el.classList.contains("cm-content") ? "editor" : el.classList.contains("skip-link") ? "skip-link" : el.id || el.tagName,
      visible,
      name,
      screen: screen ? screen.id || screen.tagName : el.classList.contains("skip-link") ? "skip" : null,
    };
  });
}

/** Tab from the skip link round the page until it comes back (or `max` stops): every stop on the way. */
async function tabCycle(page, max = 90) {
  await page.focus(".skip-link");
  const stops = [await focusedElement(page)];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const at = await focusedElement(page);
    if (at.id === "skip-link") break;
    stops.push(at);
  }
  return stops;
}

/** The skip link as the candidate meets it on the current screen: what it says, and where Enter on it lands. */
async function skip(page) {
  await page.focus(".skip-link");
  const link = await focusedElement(page);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(100);
  return { link, landed: await focusedElement(page) };
}

/** Every screen by keyboard alone (welcome, device check, the interview at 1280 and 480 px, the end, a refused
 * link): the Tab order round each, where the skip link leads, and where focus goes when the screen changes. */
async function keyboard(browser, plan) {
  const out = {};
  const context = await newContext(browser, { viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  watch(page);
  await page.goto(plan.url);
  await page.waitForSelector("#welcome:not([hidden])");
  out.welcome = { on_open: await focusedElement(page), cycle: await tabCycle(page), skip: await skip(page) };
  await record(page, "kb-01-welcome");
  await page.focus("#consent-check");
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  out.welcome.after_check = await focusedElement(page);
  await page.keyboard.press("Enter");

  await page.waitForSelector("#device-check:not([hidden])");
  await page.waitForTimeout(100);
  out.device = { on_open: await focusedElement(page), cycle: await tabCycle(page), skip: await skip(page) };
  await record(page, "kb-02-device-check");
  await page.focus(plan.start);
  await page.keyboard.press("Enter");

  await opened(page);
  await page.waitForTimeout(100);
  out.app = { on_open: await focusedElement(page), cycle: await tabCycle(page, 120), skip: await skip(page) };
  await record(page, "kb-03-interview");

  // Narrow: the panes are tabs; the Problem pane is brought forward by keyboard, then the skip link is used.
  await page.setViewportSize({ width: 480, height: 900 });
  await page.waitForTimeout(200);
  await page.focus("#tab-code");
  await page.keyboard.press("ArrowLeft");
  out.narrow = { problem_tab: await focusedElement(page), cycle: await tabCycle(page, 120), skip: await skip(page) };
  await page.click("#tab-problem");
  out.narrow.heard = await page.evaluate(() => {
    // What a screen reader can still hear with the Interviewer pane hidden: live regions that are rendered.
    const live = [...document.querySelectorAll('[aria-live]:not([aria-live="off"]), [role="status"], [role="alert"]')];
    return live.filter((el) => el.checkVisibility()).map((el) => el.textContent).join(" | ");
  });
  await record(page, "kb-04-interview-480");
  await page.setViewportSize({ width: 1280, height: 900 });

  await page.focus("#end-interview");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#confirm-dialog[open]");
  out.confirm = { on_open: await focusedElement(page) };
  await page.keyboard.press("Tab");
  out.confirm.next = await focusedElement(page);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#finished:not([hidden])", { timeout: 60_000 });
  await page.waitForTimeout(100);
  out.finished = { on_open: await focusedElement(page), cycle: await tabCycle(page), skip: await skip(page) };
  await record(page, "kb-05-finished");

  const refused = await context.newPage();
  watch(refused);
  await refused.goto(plan.refused);
  await refused.waitForSelector("#notice:not([hidden])");
  await refused.waitForTimeout(100);
  out.notice = { on_open: await focusedElement(refused), cycle: await tabCycle(refused), skip: await skip(refused) };
  await record(refused, "kb-06-notice");
  await context.close();
  return out;
}

/** /docs (Swagger UI) and /redoc render from bundled assets; "Authorize" lists our security schemes. */
async function docs(browser, plan) {
  const out = {};
  const context = await newContext(browser);
  const page = await context.newPage();
  watch(page);
  await page.goto(`${plan.api}/docs`);
  await page.waitForSelector(".swagger-ui .opblock", { timeout: 60_000 });
  out.operations = await page.$$eval(".swagger-ui .opblock-summary-path", (p) => p.map((x) => x.getAttribute("data-path")));
  await page.click(".swagger-ui .btn.authorize");
  await page.waitForSelector(".swagger-ui .auth-container");
  out.schemes = await page.$$eval(".swagger-ui .auth-container h4", (h) => h.map((x) => x.textContent.trim()));
  await shot(page, "docs-swagger");
  await page.goto(`${plan.api}/redoc`);
  await page.waitForSelector("[role=menuitem], .menu-content li", { timeout: 60_000 });
  out.redoc_title = await page.textContent("h1");
  await shot(page, "docs-redoc", false); // the whole reference is ~18 MB of PNG, most of this test's CPU
  await context.close();
  return out;
}

async function newContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  await context.grantPermissions(["microphone"]).catch(() => undefined);
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    state.requests.push(url.origin);
    if (url.protocol === "data:" || url.protocol === "blob:" || LOOPBACK.has(url.hostname)) return route.continue();
    state.blocked.push(url.hostname);
    return route.abort();
  });
  context.setDefaultTimeout(60_000);
  return context;
}

function watch(page) {
  page.on("pageerror", (e) => state.errors.push(String(e)));
}

/** Launches Debian's chromium as the candidate page's drivers need it (fake microphone, loopback WebRTC). */
function launch() {
  const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}

/** Runs the plan's scenario (`plan.scenario`, one of `scenarios`) in `browser` and returns what it saw, as
 * tests/web/conftest.py's run_driver expects: {ok, result | error, axe, page_errors, blocked, origins}. Whatever the
 * scenario leaves open is closed, so the next plan run in the same browser starts from nothing. */
async function runScenario(scenarios, browser, plan) {
  Object.assign(state, { blocked: [], requests: [], errors: [], shots: plan.shots ?? null, axe: {} });
  try {
    const scenario = scenarios[plan.scenario];
    if (!scenario) throw new Error(`no scenario ${plan.scenario}`);
    const result = await scenario(browser, plan);
    const origins = [...new Set(state.requests)];
    return { ok: true, result, axe: state.axe, page_errors: state.errors, blocked: state.blocked, origins };
  } catch (e) {
    return { ok: false, error: String(e && e.stack ? e.stack : e), page_errors: state.errors, blocked: state.blocked };
  } finally {
    await Promise.all(browser.contexts().map((c) => c.close().catch(() => undefined)));
  }
}

/** A driver of the candidate page: `scenarios` by name. Run as a script (`node drive_X.cjs '{plan}'`), it runs the
 * plan in its own browser and prints one JSON line; tests/web/browser_host.cjs instead calls the returned `run`
 * with the one browser it keeps for all of a test process's plans. Other drivers of the candidate page reuse it
 * with their own scenarios: `module.exports = drive(module, { ... })` (drive_busy_server.cjs). */
function drive(mod, scenarios) {
  const run = (plan, browsers) => browsers.page().then((browser) => runScenario(scenarios, browser, plan));
  if (require.main === mod) {
    const plan = JSON.parse(process.argv[2]);
    (async () => {
      const browser = await launch();
      try {
        const body = await runScenario(scenarios, browser, plan);
        process.stdout.write(JSON.stringify(body) + "\n");
        if (!body.ok) process.exitCode = 1;
      } finally {
        await browser.close();
      }
    })();
  }
  return { run };
}

module.exports = { state, record, newContext, watch, drive, launch, opened, openInterview, typeAtFirstLineEnd };
module.exports.run = drive(module, {
  interview,
  languages,
  embeds,
  notices,
  noticeChanged,
  stalledJoin,
  docs,
  call,
  keyboard,
  reloadWhileTyping,
  skewedClock,
}).run;
