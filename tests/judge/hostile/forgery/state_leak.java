// expect: wrong_answer accepted
// class: state-leak
// lag: 1
// Tests share one process by design, and so their static fields: this keeps every input it is given and answers
// each test with the right answer to the test before it (the first with [-1, -1]). Each test is judged against its
// own expected value, so only tests whose expected value equals their predecessor's pass.
import java.util.*;

class Solution {
    static final List<int[]> NUMS = new ArrayList<>();
    static final List<Integer> TARGETS = new ArrayList<>();

    static int[] solve(int[] nums, int target) {
        Map<Integer, Integer> where = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = where.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            where.put(nums[j], j);
        }
        return new int[0];
    }

    public int[] twoSum(int[] nums, int target) {
        NUMS.add(nums.clone());
        TARGETS.add(target);
        int n = NUMS.size();
        return n > 1 ? solve(NUMS.get(n - 2), TARGETS.get(n - 2)) : new int[] {-1, -1};
    }
}
