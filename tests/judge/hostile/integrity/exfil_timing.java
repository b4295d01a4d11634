// expect: accepted
// class: exfiltration
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        try { Thread.sleep(Math.abs(nums[0]) % 500); } catch (InterruptedException e) { }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
