// expect: runtime_error
// class: exfiltration
import java.util.*;

class Solution {
    static final List<String> SEEN = new ArrayList<>();
    public int[] twoSum(int[] nums, int target) {
        SEEN.add(Arrays.toString(nums) + " " + target);
        throw new IllegalStateException("inputs so far: " + SEEN);
    }
}
