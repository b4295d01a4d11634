"""JavaScript harness generator: one Node process loads the candidate once and runs every test (see judge.protocol)."""

from __future__ import annotations

import json

from judge.bank import Signature
from judge.harness_base import MESSAGE_CHARS, PROGRAM_DIR, HarnessProgram
from judge.limits import POLICIES

SOURCE_FILE = "solution.js"
HARNESS_FILE = "harness.js"

# Runs on Node 12 (Judge0's image) too: no optional chaining, `??`, class fields or newer built-ins.
_TEMPLATE = r"""'use strict';
const fs = require('fs');
const util = require('util');
const vm = require('vm');

const v8 = require('v8');

const FUNCTION = __FUNCTION__;
const MESSAGE = __MESSAGE__;
// The input pipe and the results channel (the candidate's own stdin is /dev/null).
const IN = 4;
const RES = 3;
// Node turns a stdout/stderr pipe non-blocking when it first uses it; a candidate's fs.writeSync(1, ...) would then
// fail with EAGAIN whenever the pipe is full. Keep both blocking: every way of printing just waits for the judge.
for (const stream of [process.stdout, process.stderr]) {
  if (stream._handle && typeof stream._handle.setBlocking === 'function') stream._handle.setBlocking(true);
}

// The harness's own codec: the candidate's code may replace the global JSON's methods.
const parse = JSON.parse;
const stringify = JSON.stringify;
function send(rec) {
  // An answer's value is JSON text already (`evaluate`): spliced in as it is. Decoded and encoded again, a
  // returned value of a million items cost the test twice the CPU of building it, charged to the candidate.
  const line = rec.ok === true && typeof rec.v === 'string'
    ? '{"n":' + stringify(rec.n) + ',"ok":true,"v":' + rec.v + '}'
    : stringify(rec);
  const buf = Buffer.from(line + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) off += fs.writeSync(RES, buf, off);
}

const chunk = Buffer.alloc(65536);
let pending = Buffer.alloc(0);
function readInto(buf, off) {  // at least one byte; the judge closing the pipe ends the process
  for (;;) {
    try {
      const n = fs.readSync(IN, buf, off, buf.length - off, null);
      if (n === 0) process.exit(0);
      return n;
    } catch (e) {
      if (e.code !== 'EAGAIN' && e.code !== 'EINTR') throw e;
    }
  }
}
function nextFrame() {
  let nl;
  while ((nl = pending.indexOf(10)) < 0) {
    const n = readInto(chunk, 0);
    pending = Buffer.concat([pending, chunk.subarray(0, n)]);
  }
  const [nonce, size] = pending.subarray(0, nl).toString('latin1').split(' ');
  const length = Number(size);
  // The payload is read straight into a buffer of its size: appending each 64 KiB read to what came before copied
  // the frame over and over (quadratic), 0.2-0.5 s of an 8 MB input charged to the test before its code ran.
  const payload = Buffer.allocUnsafe(length);
  let have = pending.copy(payload, 0, nl + 1, Math.min(pending.length, nl + 1 + length));
  pending = pending.subarray(nl + 1 + have);
  while (have < length) have += readInto(payload, have);
  return { nonce, args: parse(payload.toString('utf8')) };
}

function plain(v) {
  if (ArrayBuffer.isView(v)) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function describe(e) {
  if (!(e instanceof Error)) return 'Uncaught ' + util.inspect(e).slice(0, 200);
  const m = /solution\.js:(\d+)/.exec(String(e.stack || ''));
  return e.name + ': ' + e.message + (m ? ' (solution.js, line ' + m[1] + ')' : '');
}

function load() {
  const src = fs.readFileSync(__SOURCE__, 'utf8');
  const wrapped = '(function (module, exports, require) {' + src +
    '\n;return typeof ' + FUNCTION + " === 'function' ? " + FUNCTION +
    " : typeof Solution === 'function' ? Solution : module.exports;\n})";
  let script;
  try {
    script = new vm.Script(wrapped, { filename: 'solution.js' });
  } catch (e) {
    send({ fatal: 'compile', msg: describe(e).slice(0, MESSAGE * 2) });
    return null;
  }
  const module = { exports: {} };
  let found;
  try {
    found = script.runInThisContext()(module, module.exports, require);
  } catch (e) {
    send({ fatal: 'load', msg: describe(e).slice(0, MESSAGE) });
    return null;
  }
  if (found && typeof found === 'object' && typeof found[FUNCTION] === 'function') return found[FUNCTION].bind(found);
  if (typeof found === 'function' && found.prototype && typeof found.prototype[FUNCTION] === 'function') {
    const inst = new found();
    return inst[FUNCTION].bind(inst);
  }
  if (typeof found === 'function') return found;
  send({ fatal: 'load', msg: 'solution.js does not define ' + FUNCTION + '()' });
  return null;
}

// After each test, before its record: when V8's heap in use has grown by more than TIDY since the last collection,
// collect it now. The run's memory cgroup counts the heap V8 holds, garbage and all, and the Buffers that garbage
// keeps: without this, one test's garbage counted against the next test's memory. The test that made it pays.
const collect = global.gc;  // --expose-gc; kept here, whatever the candidate's code does to the global
const TIDY = 16 << 20;
let settled = 0;
function held() {  // V8's heap in use and the memory of the ArrayBuffers it tracks (Node 12 has no such figure)
  const h = v8.getHeapStatistics();
  return h.used_heap_size + (h.external_memory || 0);
}
function tidy() {
  if (typeof collect !== 'function' || held() - settled <= TIDY) return;
  collect();
  collect();  // V8 frees dead ArrayBuffers' memory on a background thread after a collection, done by the next one
  settled = held();
}

function result(nonce, fn, args) {
  const rec = evaluate(nonce, fn, args);
  tidy();
  return rec;
}

function evaluate(nonce, fn, args) {
  let value;
  try {
    value = fn.apply(null, args);
  } catch (e) {
    const memory = e instanceof RangeError &&
      /heap|allocation|Array buffer|Invalid array length|Invalid string length/.test(e.message);
    return { n: nonce, ok: false, kind: memory ? 'memory' : 'runtime', msg: describe(e).slice(0, MESSAGE) };
  }
  try {
    const text = stringify(plain(value));
    return { n: nonce, ok: true, v: text === undefined ? 'null' : text };  // JSON text: see send()
  } catch (e) {
    return { n: nonce, ok: false, kind: 'value', msg: ('return value is not JSON-serialisable: ' + e.message).slice(0, MESSAGE) };
  }
}

function main() {
  send({ s: 'hello' });
  const fn = load();
  if (fn === null) return;
  send({ s: 'ready' });
  for (;;) {
    const test = nextFrame();
    send(result(test.nonce, fn, test.args));
  }
}

main();
process.exit(0);
"""  # noqa: E501 - embedded source in another language


def build(
    signature: Signature, source: str, node_bin: str, memory_mb: int, program_dir: str = PROGRAM_DIR
) -> HarnessProgram:
    harness = (
        _TEMPLATE.replace("__FUNCTION__", json.dumps(signature.function_name("javascript")))
        .replace("__MESSAGE__", str(MESSAGE_CHARS))
        .replace("__SOURCE__", json.dumps(f"{program_dir}/{SOURCE_FILE}"))
    )
    old_space = memory_mb + POLICIES["javascript"].heap_extra_mb
    return HarnessProgram(
        language="javascript",
        files={HARNESS_FILE: harness, SOURCE_FILE: source},
        # V8 reserves far more address space than it uses: memory is bounded by the heap flag and the cgroup.
        run_argv=[
            node_bin,
            f"--max-old-space-size={old_space}",
            "--expose-gc",
            "--stack-size=4000",
            f"{program_dir}/{HARNESS_FILE}",
        ],
    )
