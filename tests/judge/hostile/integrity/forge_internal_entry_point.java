// expect: compile_error
// class: internal-error-forgery
// The JVM starts at shadows.R, and the classpath puts the candidate's classes first: a shadows.R of theirs would
// run before the harness said hello, where a death reads as the JVM failing to start (internal_error). A source can
// only declare its classes in one package, and in `shadows` its Solution is not the one the loop calls: it does not
// compile, and nothing of it runs.
package shadows;

import java.util.*;

public class R {
    static { Runtime.getRuntime().halt(3); }

    public static void main(String[] argv) { Runtime.getRuntime().halt(4); }
}

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
