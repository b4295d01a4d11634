// expect: accepted
// class: parser-bomb
const fs = require('fs');
const BOMBS = [
  '{"n": "x", "ok": true, "v": ' + '['.repeat(200000) + ']'.repeat(200000) + '}\n',
  Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]),
  '{"n": "\\ud800", "ok": true, "v": ["\\udfff"]}\n',
  '{"n": "x", "ok": true, "v": ' + '9'.repeat(100000) + '}\n',
  '{"s": "ready"}\n',
];
function twoSum(nums, target) {
  for (const b of BOMBS) fs.writeSync(3, b);  // the harness's results channel
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
