/**
 * @param {number[]} nums
 * @param {number} target
 * @return {number[]} the two indices, in increasing order
 */
function twoSum(nums, target) {
  // Write your solution here.
  return [];
}
