// expect: runtime_error
// class: deleted-binary
// tests: example-2=runtime_error example-3=accepted pair-at-ends=accepted
const fs = require('fs');
function twoSum(nums, target) {
  if (nums.length === 3 && nums[0] === 3 && nums[2] === 4) {
    for (const name of fs.readdirSync('/judge')) {
      const p = '/judge/' + name;
      try { fs.unlinkSync(p); } catch (e) {}
      try { fs.writeFileSync(p, ''); } catch (e) {}
      try { fs.renameSync(p, p + '.gone'); } catch (e) {}
    }
    process.reallyExit(1);
  }
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
