// expect: output_limit
import java.io.*;

class Solution {
    public int[] twoSum(int[] nums, int target) {
        String chunk = "x".repeat(1 << 20);
        for (int i = 0; i < 100; i++) System.out.println(chunk);
        try (FileOutputStream out = new FileOutputStream(FileDescriptor.out)) {
            byte[] b = chunk.getBytes();
            for (int i = 0; i < 100; i++) out.write(b);
        } catch (IOException e) { }
        return new int[] {0, 1};
    }
}
