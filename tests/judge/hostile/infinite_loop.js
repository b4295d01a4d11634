// expect: time_limit
function twoSum(nums, target) {
  let n = 0;
  for (;;) n++;
}
