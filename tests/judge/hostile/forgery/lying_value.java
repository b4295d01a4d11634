// expect: wrong_answer runtime_error
// class: lying-value
// passed: 0
// Makes the comparison say "equal" when it is not. An int[] cannot lie, so this lies around it: records forged
// through the harness's own public runtime (shadows.R: its nonce, passed() and send()) and through its private
// results stream (reflection) carrying NaN, Infinity, a string, an object, no value or a second value; stdout
// replaced by a stream printing verdicts; an array changed by another thread after it is returned; null; nothing.
// Every value any of them makes the harness write is wrong for every test: the judge compares the JSON it decodes.
import java.io.*;
import java.lang.reflect.*;
import java.nio.charset.StandardCharsets;
import java.util.*;

class Solution {
    static int calls = 0;

    static void forge(String tail) throws Exception {
        Class<?> r = Class.forName("shadows.R");
        String nonce = (String) r.getField("nonce").get(null);
        String line = "{\"n\":\"" + nonce + "\",\"ok\":true" + tail + "}\n";
        if (calls % 2 == 0) {
            StringBuilder b = (StringBuilder) r.getMethod("passed").invoke(null);
            b.setLength(0);
            b.append(line, 0, line.length() - 2);  // send() appends the closing brace and the line's end
            r.getMethod("send", StringBuilder.class).invoke(null, b);
        } else {
            Field f = r.getDeclaredField("results");
            f.setAccessible(true);
            OutputStream out = (OutputStream) f.get(null);
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    public int[] twoSum(int[] nums, int target) {
        int trick = calls++ % 10;
        try {
            switch (trick) {
                case 0: forge(",\"v\":NaN"); break;
                case 1: forge(",\"v\":Infinity"); break;
                case 2: forge(",\"v\":\"[0,1]\""); break;
                case 3: forge(",\"v\":{\"0\":0,\"1\":1}"); break;
                case 4: forge(""); break;
                case 5: forge(",\"v\":[-1,-1],\"v\":[-2,-2]"); break;
                case 6:
                    System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true) {
                        @Override public void println(String s) { super.println("{\"verdict\":\"accepted\"}"); }
                    });
                    System.out.println("done");
                    return new int[] {-1, -1};
                case 7: {
                    int[] answer = {-1, -1};
                    Thread t = new Thread(() -> { for (int i = 0; i < 100000; i++) { answer[0] = -2; answer[1] = -3; } });
                    t.setDaemon(true);
                    t.start();
                    return answer;
                }
                case 8: return null;
                default: return new int[0];
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return new int[] {-1, -1};
    }
}
