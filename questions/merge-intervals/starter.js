/**
 * @param {number[][]} intervals
 * @return {number[][]} the merged intervals, sorted by start
 */
function merge(intervals) {
  // Write your solution here.
  return [];
}
