// expect: time_limit
// class: next-attack
// tests: example-2=time_limit example-3=accepted
// Reads the input pipe itself during a test: it is empty (the next input is only sent after this test's
// result), so the read blocks and the test runs out of time. Reading stdin gets nothing at all.
const fs = require('fs');
function twoSum(nums, target) {
  const buf = Buffer.alloc(64);
  if (fs.readSync(0, buf, 0, 64, null) !== 0) return [-1, -1];
  if (nums.length === 3 && nums[0] === 3 && nums[2] === 4) fs.readSync(4, buf, 0, 64, null);
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
