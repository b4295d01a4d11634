import java.util.*;

class Solution {
    // Return the two indices, in increasing order.
    public int[] twoSum(int[] nums, int target) {
        // Write your solution here.
        return new int[0];
    }
}
