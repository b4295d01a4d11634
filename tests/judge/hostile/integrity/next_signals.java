// expect: time_limit runtime_error
// class: next-attack
// Stops and kills every process it can see, its own JVM included.
class Solution {
    public int[] twoSum(int[] nums, int target) {
        try {
            new ProcessBuilder("/bin/kill", "-STOP", "-1").start().waitFor();
            new ProcessBuilder("/bin/kill", "-KILL", "-1").start().waitFor();
        } catch (Exception e) { }
        ProcessHandle.allProcesses().forEach(ProcessHandle::destroyForcibly);
        return new int[] {0, 1};
    }
}
