import java.util.*;

class Solution {
    public double[] runningMedian(int[] nums) {
        PriorityQueue<Integer> low = new PriorityQueue<>(Collections.reverseOrder()); // smaller half (+1)
        PriorityQueue<Integer> high = new PriorityQueue<>(); // larger half
        double[] medians = new double[nums.length];
        for (int i = 0; i < nums.length; i++) {
            low.add(nums[i]);
            high.add(low.poll());
            if (high.size() > low.size()) low.add(high.poll());
            medians[i] = low.size() > high.size()
                ? low.peek()
                : ((long) low.peek() + (long) high.peek()) / 2.0; // long: the sum can exceed int
        }
        return medians;
    }
}
