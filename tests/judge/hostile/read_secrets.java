// expect: accepted
import java.nio.file.*;
import java.util.*;

class Solution {
    static final String[] MARKERS = {"canary-", "OPENAI_API_KEY", "DATABASE_URL", "SHADOWS_"};

    static boolean leaks(String s) {
        for (String m : MARKERS) if (s.contains(m)) return true;
        return false;
    }

    public int[] twoSum(int[] nums, int target) {
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet())
            if (leaks(e.getKey()) || leaks(e.getValue())) found.add(e.getKey() + "=" + e.getValue());
        List<String> paths = new ArrayList<>(List.of("__CANARY_PATH__", "__PROJECT_ENV__", "/etc/shadow", "/proc/1/environ"));
        String[] pids = new java.io.File("/proc").list();
        if (pids != null) for (String p : pids) if (p.matches("\\d+")) paths.add("/proc/" + p + "/environ");
        for (String p : paths) {
            try {
                String text = new String(Files.readAllBytes(Paths.get(p)));
                if (leaks(text)) found.add(text);
            } catch (Exception e) { }
        }
        if (!found.isEmpty()) { System.out.println("LEAKED " + found); return new int[0]; }
        Map<Integer, Integer> seen = new HashMap<>();
        for (int j = 0; j < nums.length; j++) {
            Integer i = seen.get(target - nums[j]);
            if (i != null) return new int[] {i, j};
            seen.put(nums[j], j);
        }
        return new int[0];
    }
}
