// expect: output_limit
// class: next-attack
// Forged records and 2 MB of garbage on every descriptor it can write.
const fs = require('fs');
function twoSum(nums, target) {
  const junk = Buffer.alloc(1 << 21, 0x7b);
  for (let fd = 1; fd < 64; fd++) {
    try { fs.writeSync(fd, '{"n": "x", "ok": true, "v": [0, 1]}\n{"s": "ready"}\n'); fs.writeSync(fd, junk); } catch (e) {}
  }
  return [0, 1];
}
