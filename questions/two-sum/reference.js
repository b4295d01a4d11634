/**
 * @param {number[]} nums
 * @param {number} target
 * @return {number[]} the two indices, in increasing order
 */
function twoSum(nums, target) {
  const seen = new Map(); // value -> index of an earlier occurrence
  for (let j = 0; j < nums.length; j++) {
    const i = seen.get(target - nums[j]);
    if (i !== undefined) return [i, j];
    seen.set(nums[j], j);
  }
  return [];
}
