// expect: memory_limit runtime_error
// limits: time_limit_s=6
function twoSum(nums, target) {
  const hoard = [];
  for (;;) hoard.push(new Array(1 << 20).fill(7));
}
