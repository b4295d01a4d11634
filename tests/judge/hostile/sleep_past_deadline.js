// expect: time_limit
function twoSum(nums, target) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3600 * 1000);
  return [0, 1];
}
