// expect: accepted
// class: exfiltration
import java.io.*;
import java.util.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        String text = (Arrays.toString(nums) + " " + target);
        text = text.substring(0, Math.min(text.length(), 20000));
        System.out.println(text);
        System.err.println(text);
        try {
            new FileOutputStream(FileDescriptor.out).write((text + "\n").getBytes());
            new FileOutputStream(FileDescriptor.err).write((text + "\n").getBytes());
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
