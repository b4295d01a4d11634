// One Node process per test process that keeps Debian's headless chromium open and runs the browser tests' plans in
// it, each in new browser contexts (closed after), instead of a node and a chromium started and stopped per test
// (3-6 s a test on a loaded box). Started by tests/web/conftest.py's run_driver; reads one request a line on stdin,
// {"id": n, "driver": "/abs/path/drive_X.cjs", "plan": {...}}, and answers each on stdout as one line,
// `@@host {"id": n, "body": {...}}`, where body is what the driver run as a script would have printed. Requests run
// one at a time. Every driver module exports `run(plan, browsers)` (page_harness.cjs's drive, drive_report.cjs's
// driver).
"use strict";
const path = require("node:path");
const readline = require("node:readline");

const HERE = __dirname;
const launched = {};

/** The browser of each kind, launched on first use (and again if it went away): the candidate page's (fake media
 * devices) and the report's. */
async function browserOf(kind, launch) {
  const current = await launched[kind]?.catch(() => null);
  if (current && current.isConnected()) return current;
  launched[kind] = launch();
  return launched[kind];
}

const browsers = {
  page: () => browserOf("page", require("./page_harness.cjs").launch),
  report: () => browserOf("report", require("./drive_report.cjs").launch),
};

async function handle(request) {
  const driver = path.resolve(request.driver);
  if (
    path.dirname(driver) !== HERE ||
    !/^drive_[a-z_]+\.cjs$/.test(path.basename(driver))
  ) {
    return {
      ok: false,
      error: `not a driver of tests/web: ${request.driver}`,
      page_errors: [],
      blocked: [],
    };
  }
  const { run } = require(driver);
  return run(request.plan, browsers);
}

async function main() {
  const lines = readline.createInterface({
    input: process.stdin,
    crlfDelay: Infinity,
  });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    let body;
    try {
      body = await handle(request);
    } catch (e) {
      body = {
        ok: false,
        error: String(e && e.stack ? e.stack : e),
        page_errors: [],
        blocked: [],
      };
    }
    process.stdout.write(
      `@@host ${JSON.stringify({ id: request.id, body })}\n`,
    );
  }
  for (const pending of Object.values(launched)) {
    await pending.then((b) => b.close()).catch(() => undefined);
  }
}

main();
