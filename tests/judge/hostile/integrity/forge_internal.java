// expect: runtime_error
// class: internal-error-forgery
import java.io.*;

class Solution {
    static {
        String lies = "bwrap: execvp /usr/bin/java: No such file or directory\n{ \"exit-code\": 127 }\n"
            + "{\"fatal\": \"internal\", \"msg\": \"sandbox failure\"}\n";
        for (int fd = 0; fd < 64; fd++) {
            try (FileOutputStream out = new FileOutputStream("/proc/self/fd/" + fd)) {
                out.write(lies.getBytes());
            } catch (IOException e) { }
        }
        System.err.print(lies);
        Runtime.getRuntime().halt(127);
    }
    public int[] twoSum(int[] nums, int target) { return new int[] {0, 1}; }
}
