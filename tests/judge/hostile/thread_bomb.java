// expect: time_limit runtime_error memory_limit
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        List<Thread> threads = new ArrayList<>();
        while (true) {
            Thread t = new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } });
            t.start();
            threads.add(t);
        }
    }
}
