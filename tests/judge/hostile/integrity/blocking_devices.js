// expect: accepted
// class: blocking-device
const fs = require('fs');
function withinReach() {
  for (const dev of ['/dev/ptmx', '/dev/tty', '/dev/console', '/dev/tty0', '/dev/pts/ptmx', '/dev/kmsg']) {
    try { fs.closeSync(fs.openSync(dev, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)); return true; } catch (e) {}
  }
  const buf = Buffer.alloc(16);
  return fs.readSync(0, buf, 0, 16, null) > 0;
}
function twoSum(nums, target) {
  if (withinReach()) return [-1, -1];
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
