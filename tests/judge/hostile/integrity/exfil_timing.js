// expect: accepted
// class: exfiltration
function twoSum(nums, target) {
  const end = Date.now() + (Math.abs(nums[0]) % 500);
  while (Date.now() < end) {}
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
