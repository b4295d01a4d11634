// expect: wrong_answer
// class: snoop
// passed: 0
// Looks for a hidden test's id (which travels with its expected value) everywhere this process can see: every
// object reachable from the global object and from require's cache, the harness's functions and their arguments
// through `caller` (sloppy mode), the environment, argv, /proc of itself and of pid 1, and every file under
// /judge, /work, /tmp and /dev/shm; it answers correctly only if one is found. None is: a frame holds a nonce and
// the test's arguments only.
const fs = require('fs');
const path = require('path');
// Reversed in the source, turned around once; the search skips this array and its strings by identity.
const NEEDLES = ['sdne-ta-riap', 'evitagen-stnemele-owt', 'desuer-ton-eulav-emas', 'ecno-tegrat-flah']
  .map((r) => r.split('').reverse().join(''));

function* texts(caller) {
  const seen = new Set([NEEDLES]);
  const queue = [globalThis, require.cache, process, caller];
  let budget = 200000;
  while (queue.length && budget-- > 0) {
    const o = queue.shift();
    if (o === null || o === undefined) continue;
    if (typeof o === 'string') { yield o; continue; }
    if (typeof o !== 'object' && typeof o !== 'function') continue;
    if (seen.has(o)) continue;
    seen.add(o);
    if (typeof o === 'function') {
      try { yield Function.prototype.toString.call(o); } catch (e) {}
      for (const k of ['caller', 'arguments']) { try { queue.push(o[k]); } catch (e) {} }
    }
    let keys = [];
    try { keys = Reflect.ownKeys(o); } catch (e) {}
    for (const k of keys) {
      if (typeof k === 'string') yield k;
      let v;
      try { v = o[k]; } catch (e) { continue; }
      if (typeof v === 'string') yield v;
      else if (v && (typeof v === 'object' || typeof v === 'function')) queue.push(v);
    }
  }
  for (const p of ['/proc/self/cmdline', '/proc/self/environ', '/proc/1/cmdline', '/proc/1/environ']) {
    try { yield fs.readFileSync(p, 'latin1'); } catch (e) {}
  }
  const walk = function* (dir) {
    let entries = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { yield* walk(p); continue; }
      if (e.name === 'solution.js') continue;
      try {
        const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
        const buf = Buffer.alloc(1 << 20);
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        fs.closeSync(fd);
        yield buf.subarray(0, n).toString('latin1');
      } catch (e) {}
    }
  };
  for (const top of ['/judge', '/work', '/tmp', '/dev/shm']) yield* walk(top);
}

function found(caller) {
  for (const text of texts(caller)) {
    if (NEEDLES.some((n) => text.includes(n))) return true;
  }
  return false;
}

function twoSum(nums, target) {
  if (found(twoSum.caller)) {
    for (let i = 0; i < nums.length; i++) {
      for (let j = i + 1; j < nums.length; j++) if (nums[i] + nums[j] === target) return [i, j];
    }
  }
  return [-1, -1];
}
