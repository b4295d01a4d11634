// expect: memory_limit runtime_error
// limits: time_limit_s=6
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        List<long[]> hoard = new ArrayList<>();
        while (true) hoard.add(new long[4 << 20]);
    }
}
