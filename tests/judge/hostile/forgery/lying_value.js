// expect: wrong_answer runtime_error
// class: lying-value
// passed: 0
// Makes the comparison say "equal" when it is not: a Proxy whose every trap lies, objects whose valueOf, toString,
// Symbol.toPrimitive and toJSON lie, JSON.stringify, Array.isArray and Array.prototype.map replaced (the harness
// keeps its own stringify), and records forged with the test's nonce (read off the harness's own input by wrapping
// fs.readSync, which it calls through the shared module) carrying NaN, Infinity, a string, an object, no value or a
// second value. Every value any of them
// makes the harness write is wrong for every test: the judge compares the JSON it decodes, in its own process.
const REAL = { stringify: JSON.stringify, isArray: Array.isArray, map: Array.prototype.map };
const fs = require('fs');
let calls = 0;
let nonce = null;
const realRead = fs.readSync;
fs.readSync = function (fd, buf, off) {
  const n = realRead.apply(fs, arguments);
  if (fd === 4 && n > 0) {
    const m = /^([0-9a-f]+) \d+\n/.exec(buf.toString('latin1', off || 0, (off || 0) + Math.min(n, 100)));
    if (m) nonce = m[1];
  }
  return n;
};

function liar() {
  return {
    length: 2, 0: -2, 1: -2,
    valueOf() { return true; }, toString() { return '0,1'; }, [Symbol.toPrimitive]() { return 0; },
    toJSON() { return { equals: true, length: 2 }; },
  };
}

function forge(tail) {
  if (nonce === null) throw new Error('no nonce seen');
  fs.writeSync(3, '{"n":' + REAL.stringify(nonce) + ',"ok":true' + tail + '}\n');
}

const TRICKS = [
  () => new Proxy([-1, -1], {
    get: (t, k) => (k === 'length' ? 2 : k in t ? -2 : Reflect.get(t, k)),
    getPrototypeOf: () => Array.prototype, has: () => true,
  }),
  () => liar(),
  () => [liar(), liar()],
  () => [new Number(-1), Object.assign(new Number(-1), { toJSON: () => -3 })],
  () => { JSON.stringify = () => '[0,1]'; Array.isArray = () => true; return [-1, -1]; },
  () => { Array.prototype.map = function () { return [-4, -4]; }; return [[0], [1]]; },
  () => { forge(',"v":NaN'); return [-1, -1]; },
  () => { forge(',"v":Infinity'); return [-1, -1]; },
  () => { forge(',"v":"[0,1]"'); return [-1, -1]; },
  () => { forge(''); return [-1, -1]; },
  () => { forge(',"v":[-1,-1],"v":[-2,-2]'); return [-1, -1]; },
  () => [-0, 1.0000001],
  () => [Infinity, NaN],
  () => [BigInt(0), 1],
];

function twoSum(nums, target) {
  JSON.stringify = REAL.stringify;
  Array.isArray = REAL.isArray;
  Array.prototype.map = REAL.map;
  return TRICKS[calls++ % TRICKS.length]();
}
