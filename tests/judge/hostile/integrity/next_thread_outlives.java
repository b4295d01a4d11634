// expect: accepted time_limit output_limit
// class: next-attack
// A non-daemon thread that outlives its test, printing forged records straight to file descriptor 1 and
// spinning; shutdown hooks that would print more.
import java.io.*;
import java.util.*;

class Solution {
    static boolean started = false;
    public int[] twoSum(int[] nums, int target) {
        if (!started) {
            started = true;
            Thread t = new Thread(() -> {
                try (FileOutputStream out = new FileOutputStream(FileDescriptor.out)) {
                    while (true) { out.write("{\"n\": \"x\", \"ok\": true, \"v\": [0, 1]}\n".getBytes()); Thread.sleep(5); }
                } catch (Exception e) { }
            });
            t.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.print("z".repeat(1 << 24))));
        }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
