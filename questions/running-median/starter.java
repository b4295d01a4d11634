import java.util.*;

class Solution {
    // medians[i] is the median of nums[0..i].
    public double[] runningMedian(int[] nums) {
        // Write your solution here.
        return new double[0];
    }
}
