import java.util.*;

class Solution {
    // Return the k most frequent values, in any order.
    public int[] topKFrequent(int[] nums, int k) {
        // Write your solution here.
        return new int[0];
    }
}
