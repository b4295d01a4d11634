// expect: accepted
const cp = require('child_process');

function solve(nums, target) {
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}

function twoSum(nums, target) {
  // A synchronous connect attempt from a child node: exit 0 means it reached the listener.
  const probe = "const s = require('net').connect(__PORT__, '127.0.0.1');" +
    "s.on('connect', () => { s.end('exfiltrated'); process.exit(0); }); s.on('error', () => process.exit(1));" +
    "setTimeout(() => process.exit(2), 1000);";
  const r = cp.spawnSync(process.execPath, ['-e', probe], { timeout: 1500 });
  if (r.status === 0) return [];
  return solve(nums, target);
}
