// expect: accepted
import java.net.*;
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, __PORT__), 500);
                s.getOutputStream().write("exfiltrated".getBytes());
                return new int[0];
            } catch (Exception e) { }
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
