// expect: runtime_error
function down(n) { return down(n + 1) + 1; }

function twoSum(nums, target) {
  return [down(0)];
}
