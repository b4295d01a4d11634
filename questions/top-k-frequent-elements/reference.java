import java.util.*;

class Solution {
    public int[] topKFrequent(int[] nums, int k) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int x : nums) counts.merge(x, 1, Integer::sum);
        // Min-heap by count holding at most k values: the root is the weakest of the current best k.
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> Integer.compare(counts.get(a), counts.get(b)));
        for (int value : counts.keySet()) {
            heap.add(value);
            if (heap.size() > k) heap.poll();
        }
        int[] result = new int[heap.size()];
        for (int i = 0; i < result.length; i++) result[i] = heap.poll();
        return result;
    }
}
