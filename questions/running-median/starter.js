/**
 * @param {number[]} nums
 * @return {number[]} medians[i] is the median of nums[0..i]
 */
function runningMedian(nums) {
  // Write your solution here.
  return [];
}
