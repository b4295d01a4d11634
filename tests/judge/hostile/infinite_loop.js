// expect: time_limit
// limits: time_limit_s=0.5
function twoSum(nums, target) {
  let n = 0;
  for (;;) n++;
}
