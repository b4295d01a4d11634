/**
 * @param {number[]} nums
 * @param {number} k
 * @return {number[]} the k most frequent values, in any order
 */
function topKFrequent(nums, k) {
  // Write your solution here.
  return [];
}
