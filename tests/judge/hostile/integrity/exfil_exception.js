// expect: runtime_error
// class: exfiltration
const SEEN = [];
function twoSum(nums, target) {
  SEEN.push([nums, target]);
  throw new Error('inputs so far: ' + JSON.stringify(SEEN));
}
