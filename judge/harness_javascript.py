"""JavaScript harness generator: one Node process loads the candidate once and runs every test (see harness_base)."""

from __future__ import annotations

import json

from judge.bank import Signature
from judge.harness_base import EXCERPT_CHARS, INPUT_FILE, MESSAGE_CHARS, HarnessProgram

SOURCE_FILE = "solution.js"
HARNESS_FILE = "harness.js"

# A watchdog worker thread enforces the per-test limit: JavaScript cannot interrupt a synchronous loop from its
# own thread. Main and watchdog share [test index, generation]; an odd generation means a test is running.
_TEMPLATE = r"""'use strict';
const fs = require('fs');
const util = require('util');
const vm = require('vm');
const { Worker } = require('worker_threads');
const { performance } = require('perf_hooks');

const FUNCTION = __FUNCTION__;
const EXCERPT = __EXCERPT__;
const MESSAGE = __MESSAGE__;
const start = Number(process.argv[2]), limitMs = Number(process.argv[3]), cap = Number(process.argv[4]);
const RESULTS_FD = 3;

function writeLine(line) {
  const buf = Buffer.from(line + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) off += fs.writeSync(RESULTS_FD, buf, off);
}

const state = new Int32Array(new SharedArrayBuffer(8));
const WATCHDOG = `
const { workerData } = require('worker_threads');
const fs = require('fs');
const st = new Int32Array(workerData.buf);
for (;;) {
  const gen = Atomics.load(st, 1);
  if (gen % 2 === 1) {
    if (Atomics.wait(st, 1, gen, workerData.limitMs) === 'timed-out') {
      const i = Atomics.load(st, 0);
      const rec = i < 0
        ? {fatal: 'load', kind: 'timeout', msg: 'top-level code took longer than the per-test time limit'}
        : {i, ok: false, kind: 'timeout', msg: 'time limit exceeded', ms: workerData.limitMs};
      fs.writeSync(3, JSON.stringify(rec) + '\\n');
      process.kill(process.pid, 'SIGKILL');
    }
  } else {
    Atomics.wait(st, 1, gen);
  }
}`;
const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { buf: state.buffer, limitMs } });
watchdog.unref();

let printed = 0, current = -1, t0 = 0;
function capture() {
  let parts = [], kept = 0;
  return {
    write(s) {
      s = String(s);
      printed += s.length;
      if (kept < EXCERPT) { const p = s.slice(0, EXCERPT - kept); parts.push(p); kept += p.length; }
      if (printed > cap) { emit(current, false, undefined, 'output', 'output limit exceeded'); process.kill(process.pid, 'SIGKILL'); }
      return true;
    },
    take() { const t = parts.join(''); parts = []; kept = 0; return t; },
  };
}
const OUT = capture(), ERR = capture();
const fmt = (...a) => util.format(...a) + '\n';
console.log = console.info = console.debug = console.trace = (...a) => OUT.write(fmt(...a));
console.error = console.warn = (...a) => ERR.write(fmt(...a));
process.stdout.write = (s) => OUT.write(s);
process.stderr.write = (s) => ERR.write(s);

function plain(v) {
  if (ArrayBuffer.isView(v)) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function emit(i, ok, value, kind, msg) {
  const ms = Math.round((performance.now() - t0) * 1000) / 1000;
  const rec = { i, ok, ms, out: OUT.take(), err: ERR.take() };
  if (ok) {
    try {
      const text = JSON.stringify(plain(value));
      rec.v = text === undefined ? null : JSON.parse(text);
    } catch (e) {
      rec.ok = false; rec.kind = 'value'; rec.msg = ('return value is not JSON-serialisable: ' + e.message).slice(0, MESSAGE);
    }
  } else {
    rec.kind = kind; rec.msg = String(msg || '').slice(0, MESSAGE);
  }
  writeLine(JSON.stringify(rec));
}

function describe(e) {
  if (!(e instanceof Error)) return 'Uncaught ' + util.inspect(e).slice(0, 200);
  const m = /solution\.js:(\d+)/.exec(String(e.stack || ''));
  return `${e.name}: ${e.message}` + (m ? ` (solution.js, line ${m[1]})` : '');
}

function load() {
  const src = fs.readFileSync(__SOURCE__, 'utf8');
  const wrapped = '(function (module, exports, require) {' + src +
    `\n;return typeof ${FUNCTION} === 'function' ? ${FUNCTION} : typeof Solution === 'function' ? Solution : module.exports;\n})`;
  let script;
  try {
    script = new vm.Script(wrapped, { filename: 'solution.js' });
  } catch (e) {
    writeLine(JSON.stringify({ fatal: 'compile', msg: describe(e).slice(0, MESSAGE * 2) }));
    return null;
  }
  const module = { exports: {} };
  let found;
  Atomics.store(state, 0, -1);
  Atomics.add(state, 1, 1);  // the watchdog times the candidate's top-level code too
  Atomics.notify(state, 1);
  try {
    found = script.runInThisContext()(module, module.exports, require);
  } catch (e) {
    writeLine(JSON.stringify({ fatal: 'load', msg: describe(e).slice(0, MESSAGE) }));
    return null;
  } finally {
    Atomics.add(state, 1, 1);
    Atomics.notify(state, 1);
  }
  if (found && typeof found === 'object' && typeof found[FUNCTION] === 'function') return found[FUNCTION].bind(found);
  if (typeof found === 'function' && found.prototype && typeof found.prototype[FUNCTION] === 'function') {
    const inst = new found();
    return inst[FUNCTION].bind(inst);
  }
  if (typeof found === 'function') return found;
  writeLine(JSON.stringify({ fatal: 'load', msg: `solution.js does not define ${FUNCTION}()` }));
  return null;
}

function main() {
  const tests = JSON.parse(fs.readFileSync(__INPUT__, 'utf8'));
  const fn = load();
  if (fn === null) return;
  OUT.take(); ERR.take();
  for (let i = start; i < tests.length; i++) {
    current = i;
    printed = 0;
    Atomics.store(state, 0, i);
    Atomics.add(state, 1, 1);
    Atomics.notify(state, 1);
    t0 = performance.now();
    let value, error;
    try {
      value = fn(...tests[i]);
    } catch (e) {
      error = e;
    }
    Atomics.add(state, 1, 1);
    Atomics.notify(state, 1);
    if (error === undefined) emit(i, true, value);
    else if (error instanceof RangeError && /heap|allocation|Array buffer|Invalid array length|Invalid string length/.test(error.message))
      emit(i, false, undefined, 'memory', describe(error));
    else emit(i, false, undefined, 'runtime', describe(error));
  }
  process.exit(0);
}

main();
"""  # noqa: E501 - embedded source in another language


def build(signature: Signature, source: str, node_bin: str, memory_mb: int) -> HarnessProgram:
    harness = (
        _TEMPLATE.replace("__FUNCTION__", json.dumps(signature.function_name("javascript")))
        .replace("__EXCERPT__", str(EXCERPT_CHARS))
        .replace("__MESSAGE__", str(MESSAGE_CHARS))
        .replace("__SOURCE__", json.dumps(SOURCE_FILE))
        .replace("__INPUT__", json.dumps(INPUT_FILE))
    )
    return HarnessProgram(
        files={HARNESS_FILE: harness, SOURCE_FILE: source},
        # V8 reserves far more address space than it uses: memory is bounded by the heap flag and the cgroup.
        run_argv=[node_bin, f"--max-old-space-size={memory_mb}", "--stack-size=4000", HARNESS_FILE],
        address_space_limit=False,
        memory_overhead_mb=96,
    )
