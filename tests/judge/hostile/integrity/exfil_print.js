// expect: accepted
// class: exfiltration
const fs = require('fs');
function twoSum(nums, target) {
  const text = JSON.stringify([nums, target]).slice(0, 20000);
  console.log(text);
  console.error(text);
  fs.writeSync(1, text + '\n');
  fs.writeSync(2, text + '\n');
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
