// expect: accepted
// class: parser-bomb
import java.io.*;
import java.util.*;

class Solution {
    static final List<byte[]> BOMBS = new ArrayList<>();
    static {
        BOMBS.add(("{\"n\": \"x\", \"ok\": true, \"v\": " + "[".repeat(200000) + "]".repeat(200000) + "}\n").getBytes());
        BOMBS.add(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'});
        BOMBS.add("{\"n\": \"\\ud800\", \"ok\": true, \"v\": [\"\\udfff\"]}\n".getBytes());
        BOMBS.add(("{\"n\": \"x\", \"ok\": true, \"v\": " + "9".repeat(100000) + "}\n").getBytes());
    }
    public int[] twoSum(int[] nums, int target) {
        try (FileOutputStream out = new FileOutputStream("/proc/self/fd/3")) {  // the results channel
            for (byte[] b : BOMBS) out.write(b);
        } catch (IOException e) { throw new UncheckedIOException(e); }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
