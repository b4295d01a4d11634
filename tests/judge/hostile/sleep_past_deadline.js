// expect: time_limit
// limits: time_limit_s=0.5
function twoSum(nums, target) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3600 * 1000);
  return [0, 1];
}
