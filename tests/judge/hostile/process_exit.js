// expect: runtime_error
function twoSum(nums, target) {
  process.exit(0);
}
