// expect: wrong_answer runtime_error
import java.io.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        try (FileOutputStream f = new FileOutputStream("/proc/self/fd/3")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 1000; i++)
                sb.append("{\"i\": ").append(i).append(", \"ok\": true, \"v\": [0, 1], \"ms\": 0.1, \"out\": \"\", \"err\": \"\"}\n");
            sb.append("{\"verdict\": \"accepted\"}\n");
            f.write(sb.toString().getBytes());
        } catch (IOException e) { }
        Runtime.getRuntime().halt(0);
        return new int[0];
    }
}
