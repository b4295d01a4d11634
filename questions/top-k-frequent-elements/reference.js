/**
 * @param {number[]} nums
 * @param {number} k
 * @return {number[]} the k most frequent values, in any order
 */
function topKFrequent(nums, k) {
  const counts = new Map();
  for (const x of nums) counts.set(x, (counts.get(x) || 0) + 1);
  // Bucket sort by frequency: buckets[c] holds the values that occur exactly c times.
  const buckets = Array.from({ length: nums.length + 1 }, () => []);
  for (const [value, count] of counts) buckets[count].push(value);
  const result = [];
  for (let c = nums.length; c >= 1 && result.length < k; c--) {
    for (const value of buckets[c]) {
      if (result.length === k) break;
      result.push(value);
    }
  }
  return result;
}
