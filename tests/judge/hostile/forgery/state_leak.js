// expect: wrong_answer accepted
// class: state-leak
// lag: 1
// Tests share one process by design, and so their globals: this keeps every input it is given and answers each
// test with the right answer to the test before it (the first with [-1, -1]). Each test is judged against its own
// expected value, so only tests whose expected value equals their predecessor's pass.
const SEEN = [];

function solve(nums, target) {
  const where = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (where.has(target - nums[j])) return [where.get(target - nums[j]), j];
    where.set(nums[j], j);
  }
  return [];
}

function twoSum(nums, target) {
  SEEN.push([nums.slice(), target]);
  return SEEN.length > 1 ? solve(...SEEN[SEEN.length - 2]) : [-1, -1];
}
