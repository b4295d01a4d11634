// expect: time_limit
// class: forged-timing
// tests: pair-at-ends=time_limit example-1=accepted
const { performance } = require('perf_hooks');
const realNow = Date.now;

function silence() {
  Date.now = () => 0;
  performance.now = () => 0;
  process.hrtime = () => [0, 0];
  process.hrtime.bigint = () => BigInt(0);
  process.cpuUsage = () => ({ user: 0, system: 0 });
  for (const sig of ['SIGALRM', 'SIGTERM', 'SIGINT', 'SIGXCPU']) process.on(sig, () => {});
}

function twoSum(nums, target) {
  if (nums.length === 5 && nums[4] === 20) {
    silence();
    const end = realNow() + 2500;
    while (realNow() < end) {}
  }
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
