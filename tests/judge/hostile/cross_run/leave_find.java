// expect: runtime_error
// plants: file:/tmp file:/work file:/dev/shm process
// Leaves a marker in everything a JVM can write that might outlive it (files, a child process it never waits
// for), then halts, in every process the judge starts for it: each test's process first looks for what an earlier
// one left (this run's, or any earlier run's on the host: abstract sockets, SysV IPC too, through /proc) and prints
// FOUND for each; after planting it looks again and prints CONTROL for each place it can see its own marker.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

class Solution {
    static final String TAG = "shadows-xrun";
    static final String KEY = String.valueOf(0x5AD00001);
    static final String[] DIRS = {"/tmp", "/work", "/dev/shm"};

    static String read(String path) {
        try {
            return new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static List<String> look() {
        List<String> found = new ArrayList<>();
        for (String d : DIRS) if (Files.exists(Paths.get(d, TAG), LinkOption.NOFOLLOW_LINKS)) found.add("file:" + d);
        String me = String.valueOf(ProcessHandle.current().pid());
        String[] procs = new File("/proc").list();
        for (String p : procs == null ? new String[0] : procs) {
            if (p.matches("\\d+") && !p.equals(me) && read("/proc/" + p + "/cmdline").contains(TAG)) {
                found.add("process");
                break;
            }
        }
        if (read("/proc/net/unix").contains("@" + TAG)) found.add("abstract-socket");
        for (String kind : new String[] {"shm", "msg", "sem"}) {
            for (String line : read("/proc/sysvipc/" + kind).split("\n")) {
                if (line.trim().split("\\s+")[0].equals(KEY)) {
                    found.add("sysv-" + kind);
                    break;
                }
            }
        }
        return found;
    }

    static void plant() throws IOException {
        for (String d : DIRS) Files.write(Paths.get(d, TAG), TAG.getBytes(StandardCharsets.UTF_8));
        new ProcessBuilder("/bin/sh", "-c", "sleep 1000; true", TAG)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    }

    public int[] twoSum(int[] nums, int target) {
        for (String place : look()) System.out.println("FOUND " + place);
        try {
            plant();
        } catch (IOException e) {
            System.out.println("plant failed: " + e);
        }
        for (String place : look()) System.out.println("CONTROL " + place);
        System.out.flush();
        Runtime.getRuntime().halt(3);
        return new int[0];
    }
}
