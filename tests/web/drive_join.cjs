// Drives the candidate page in headless Debian chromium with playwright-core (from web/node_modules) and prints
// what it saw as one JSON line. Launched by tests/web/test_join_page.py; assertions live in the Python test.
//   node drive_join.cjs '{"scenario": "interview", "url": "...", "code": "...", "screenshot": "optional.png"}'
//   node drive_join.cjs '{"scenario": "pages", "urls": {"name": "...", ...}}'
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const WEB = path.resolve(__dirname, "../../web");
const { chromium } = require(require.resolve("playwright-core", { paths: [WEB] }));

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
];

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** axe-core's accessibility violations on the page as it is now (evaluated over CDP, so the page's CSP holds). */
async function accessibility(page) {
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js", { paths: [WEB] }), "utf8");
  await page.evaluate(source);
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
  });
}

async function editorText(page) {
  return page.$$eval(".cm-content .cm-line", (lines) => lines.map((l) => l.textContent).join("\n"));
}

async function report(page) {
  await page.waitForSelector("#results .report-summary, #results .report-error", { timeout: 150_000 }); // a loaded CI box runs the judge slowly
  return page.evaluate(() => {
    const results = document.getElementById("results");
    const summary = results.querySelector(".report-summary, .report-error");
    return {
      summary: summary.textContent,
      verdict: summary.getAttribute("data-verdict"),
      hidden_summary: results.querySelector(".hidden-summary")?.textContent ?? null,
      tests: [...results.querySelectorAll(".test-result")].map((li) => ({
        id: li.getAttribute("data-test-id"),
        verdict: li.getAttribute("data-verdict"),
        hidden: li.classList.contains("hidden"),
        label: li.querySelector(".verdict").textContent,
        text: li.textContent,
      })),
    };
  });
}

async function problem(page) {
  await page.waitForFunction(() => document.getElementById("question-title")?.textContent, null, { timeout: 60_000 });
  await page.waitForSelector(".cm-content .cm-line");
  return page.evaluate(() => ({
    title: document.getElementById("question-title").textContent,
    difficulty: document.getElementById("question-difficulty").textContent,
    statement_text: document.getElementById("question-statement").textContent,
    statement_has_markup: !!document.querySelector("#question-statement p, #question-statement code"),
    examples: [...document.querySelectorAll("#visible-tests .example")].map((e) => e.getAttribute("data-test-id")),
    clock: document.getElementById("clock").textContent,
    clock_state: document.getElementById("clock").dataset.state,
    href: window.location.href,
    title_tag: document.title,
  }));
}

async function interview(page, plan) {
  const out = {};
  await page.goto(plan.url);
  out.opened = await problem(page);
  out.starter = await editorText(page);

  await page.click("#run");
  out.starter_run = await report(page);

  // Replace the code as a paste would (one input, no auto-indent or bracket completion).
  await page.click(".cm-content");
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(plan.code);
  out.edited = await editorText(page);
  await page.keyboard.press("Control+Enter");
  out.solution_run = await report(page);

  await page.click("#submit");
  out.submission = await report(page);

  await page.click("#call-start");
  await page.waitForSelector('#call-panel[data-status="failed"]', { timeout: 60_000 });
  out.call = await page.evaluate(() => ({
    status: document.getElementById("call-status").textContent,
    detail: document.getElementById("call-detail").textContent,
    retry_visible: !document.getElementById("call-start").hidden,
    retry_text: document.getElementById("call-start").textContent,
  }));
  out.run_enabled_after_call_failure = await page.isEnabled("#run");
  out.accessibility = await accessibility(page);
  if (plan.screenshot) await page.screenshot({ path: plan.screenshot, fullPage: true });

  await page.reload();
  out.reloaded = await problem(page);
  out.reloaded_code = await editorText(page);
  return out;
}

/** Each of `plan.urls` in a fresh tab: the problem and editor it opens, or the notice it shows instead. */
async function pages(page, plan) {
  const seen = {};
  for (const [name, url] of Object.entries(plan.urls)) {
    const tab = await page.context().newPage();
    await tab.goto(url);
    await tab.waitForSelector("#notice:not([hidden]), #app:not([hidden])", { timeout: 60_000 });
    const shown = await tab.evaluate(() => ({
      notice: document.getElementById("notice").hidden
        ? null
        : {
            title: document.getElementById("notice-title").textContent,
            detail: document.getElementById("notice-detail").textContent,
            retry_visible: !document.getElementById("notice-retry").hidden,
          },
      app_hidden: document.getElementById("app").hidden,
      href: window.location.href,
      stored_invite: window.sessionStorage.getItem("shadows.invite"),
    }));
    if (!shown.app_hidden) {
      shown.opened = await problem(tab);
      shown.language = await tab.textContent("#editor-language");
      shown.code = await editorText(tab);
    }
    if (plan.axe) shown.accessibility = await accessibility(tab);
    seen[name] = shown;
    await tab.close();
  }
  return seen;
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const errors = [];
  const blocked = [];
  try {
    const context = await browser.newContext();
    // Nothing leaves the machine: any request to a non-loopback host is refused and reported.
    await context.route("**/*", (route) => {
      const host = new URL(route.request().url()).hostname;
      if (LOOPBACK.has(host) || LOOPBACK.has(`[${host}]`)) return route.continue();
      blocked.push(host);
      return route.abort();
    });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    const scenario = { interview, pages }[plan.scenario];
    const result = await scenario(page, plan);
    process.stdout.write(JSON.stringify({ ok: true, result, page_errors: errors, blocked }) + "\n");
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack ? e.stack : e), page_errors: errors, blocked }) + "\n");
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
}

main();
