// expect: time_limit
// class: forged-timing
// tests: pair-at-ends=time_limit example-1=accepted
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        if (nums.length == 5 && nums[4] == 20) {
            // No clock to patch in Java: hide in threads instead, and keep the CPU busy from several of them.
            Thread.currentThread().setPriority(Thread.MAX_PRIORITY);
            long end = System.nanoTime() + 2_500_000_000L;
            Thread helper = new Thread(() -> { while (System.nanoTime() < end) {} });
            helper.setDaemon(true);
            helper.start();
            while (System.nanoTime() < end) {}
        }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
