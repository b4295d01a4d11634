// expect: time_limit runtime_error memory_limit
// limits: time_limit_s=0.5
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        while (true) {
            try { new ProcessBuilder("/usr/bin/sleep", "600").start(); } catch (Exception e) { }
        }
    }
}
