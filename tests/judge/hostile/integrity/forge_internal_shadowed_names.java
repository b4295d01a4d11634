// expect: accepted
// class: internal-error-forgery
// The harness's loop is compiled with the candidate's code, in the same (unnamed) package, where a class of theirs
// named String shadows java.lang.String: the loop's `main(String[] argv)` was then no main method, the JVM died
// before the harness said hello, and the judge blamed itself (internal_error). The entry point is now our own
// precompiled runtime; the names a candidate declares are theirs to trip over (here: a correct solution).
import java.util.*;

class String {}

class Solution {
    public int[] twoSum(int[] nums, int target) {
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
