// expect: runtime_error
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        System.exit(0);
        return new int[0];
    }
}
