// The harness of the candidate page's browser drivers (tests/web/drive_*.cjs): Debian's headless chromium launched
// with a fake microphone, playwright-core from web/node_modules, new browser contexts per scenario that refuse every
// request to a non-loopback host (and report it), axe-core and a screenshot in every recorded state, the page's
// uncaught errors, the editor's document as CodeMirror holds it (`editorCode`), and `drive`, which runs a driver's
// scenarios as browser_host.cjs or a script expects.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const WEB = path.resolve(__dirname, "../../web");
const { chromium } = require(
  require.resolve("playwright-core", { paths: [WEB] }),
);
const AXE = fs.readFileSync(
  require.resolve("axe-core/axe.min.js", { paths: [WEB] }),
  "utf8",
);

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
  await page.screenshot({
    path: path.join(state.shots, `${name}.png`),
    fullPage,
  });
}

/** axe-core violations of a page or frame as it is now (evaluated over CDP, so the page's CSP holds). */
async function axe(target, name) {
  await target.evaluate(AXE);
  const violations = await target.evaluate(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
      first: v.nodes[0]
        ? `${v.nodes[0].html.slice(0, 160)} :: ${(v.nodes[0].failureSummary || "").slice(0, 240)}`
        : null,
    }));
  });
  state.axe[name] = violations;
  return violations;
}

async function record(page, name) {
  await shot(page, name);
  await axe(page, name);
}

async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  await context.grantPermissions(["microphone"]).catch(() => undefined);
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    state.requests.push(url.origin);
    if (
      url.protocol === "data:" ||
      url.protocol === "blob:" ||
      LOOPBACK.has(url.hostname)
    )
      return route.continue();
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
  return chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

async function opened(page) {
  await page.waitForFunction(
    () => document.getElementById("question-title")?.textContent,
    null,
    { timeout: 60_000 },
  );
  await page.waitForSelector(".cm-content .cm-line");
  await page.waitForSelector("#editor[data-resumed]", { timeout: 60_000 }); // the server's drafts are in
  return page.evaluate(() => ({
    title: document.getElementById("question-title").textContent,
    statement: document.getElementById("question-statement").textContent,
    examples: [...document.querySelectorAll("#visible-tests .example")].map(
      (e) => e.textContent,
    ),
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

/** The editor's document as CodeMirror holds it: the code a save, a Run or the interviewer gets. Not its DOM lines:
 * CodeMirror draws only what is near the viewport and redraws lines as it measures and highlights, so lines read from
 * the DOM are a picture of the screen, not the document. The view is found as `EditorView.findFromDOM` finds it
 * (the content element's tile); a @codemirror/view that stores it elsewhere fails here loudly, never silently. */
async function editorCode(page) {
  return page.evaluate(() => {
    const view = document.querySelector("#editor .cm-content")?.cmTile?.root
      ?.view;
    if (!view?.state?.doc)
      throw new Error(
        "no CodeMirror view behind #editor .cm-content (EditorView.findFromDOM's lookup changed?)",
      );
    return view.state.doc.toString();
  });
}

/** Types `typed` at the end of the editor's first line, as a candidate clicking into it does. */
async function typeAtFirstLineEnd(page, typed) {
  await page.click(".cm-content .cm-line >> nth=0");
  await page.keyboard.press("End");
  await page.keyboard.type(typed);
}

/** Runs the plan's scenario (`plan.scenario`, one of `scenarios`) in `browser` and returns what it saw, as
 * tests/web/conftest.py's run_driver expects: {ok, result | error, axe, page_errors, blocked, origins}. Whatever the
 * scenario leaves open is closed, so the next plan run in the same browser starts from nothing. */
async function runScenario(scenarios, browser, plan) {
  Object.assign(state, {
    blocked: [],
    requests: [],
    errors: [],
    shots: plan.shots ?? null,
    axe: {},
  });
  try {
    const scenario = scenarios[plan.scenario];
    if (!scenario) throw new Error(`no scenario ${plan.scenario}`);
    const result = await scenario(browser, plan);
    const origins = [...new Set(state.requests)];
    return {
      ok: true,
      result,
      axe: state.axe,
      page_errors: state.errors,
      blocked: state.blocked,
      origins,
    };
  } catch (e) {
    return {
      ok: false,
      error: String(e && e.stack ? e.stack : e),
      page_errors: state.errors,
      blocked: state.blocked,
    };
  } finally {
    await Promise.all(
      browser.contexts().map((c) => c.close().catch(() => undefined)),
    );
  }
}

/** A driver of the candidate page: `scenarios` by name. Run as a script (`node drive_X.cjs '{plan}'`), it runs the
 * plan in its own browser and prints one JSON line; tests/web/browser_host.cjs instead calls the returned `run`
 * with the one browser it keeps for all of a test process's plans. Other drivers of the candidate page reuse it
 * with their own scenarios: `module.exports = drive(module, { ... })` (drive_busy_server.cjs). */
function drive(mod, scenarios) {
  const run = (plan, browsers) =>
    browsers.page().then((browser) => runScenario(scenarios, browser, plan));
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

const visible = (page, sel) => page.isVisible(sel);
const text = (page, sel) => page.textContent(sel).then((t) => (t ?? "").trim());

module.exports = {
  visible,
  text,
  state,
  axe,
  shot,
  record,
  newContext,
  watch,
  drive,
  launch,
  opened,
  openInterview,
  typeAtFirstLineEnd,
  editorCode,
};
