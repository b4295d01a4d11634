// expect: time_limit runtime_error memory_limit
const cp = require('child_process');

function twoSum(nums, target) {
  for (;;) {
    try { cp.spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true }); } catch (e) {}
  }
}
