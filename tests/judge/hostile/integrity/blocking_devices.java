// expect: accepted
// class: blocking-device
import java.io.*;
import java.util.*;

class Solution {
    static boolean withinReach() {
        for (String dev : new String[] {"/dev/ptmx", "/dev/tty", "/dev/console", "/dev/tty0", "/dev/kmsg"}) {
            if (new File(dev).exists()) return true;
        }
        try { return System.in.read() >= 0; } catch (IOException e) { return false; }
    }
    public int[] twoSum(int[] nums, int target) {
        if (withinReach()) return new int[] {-1, -1};
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
