// expect: wrong_answer runtime_error time_limit
function twoSum(nums, target) {
  try { process.kill(process.ppid, 'SIGKILL'); } catch (e) {}
  try { process.kill(-1, 'SIGKILL'); } catch (e) {}
  return [0, 1];
}
