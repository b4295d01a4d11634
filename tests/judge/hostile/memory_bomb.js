// expect: memory_limit runtime_error
function twoSum(nums, target) {
  const hoard = [];
  for (;;) hoard.push(new Array(1 << 20).fill(7));
}
