// expect: wrong_answer
// class: snoop
// passed: 0
// Looks for a hidden test's id (which travels with its expected value) everywhere this process can see: every
// static field of the harness's classes (shadows.R, its nested classes and the loop class on the stack) and of
// the objects they hold, by reflection with setAccessible, every thread's stack, system properties, the
// environment, /proc of itself and of pid 1, and every file under /judge, /work, /tmp and /dev/shm. It answers
// correctly only if one is found; none is.
import java.io.*;
import java.lang.reflect.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

class Solution {
    // Reversed in the source; the search skips this array and its strings by identity.
    static final String[] NEEDLES = {
        new StringBuilder("sdne-ta-riap").reverse().toString(),
        new StringBuilder("evitagen-stnemele-owt").reverse().toString(),
        new StringBuilder("desuer-ton-eulav-emas").reverse().toString(),
        new StringBuilder("ecno-tegrat-flah").reverse().toString(),
    };

    static boolean hit(String text) {
        for (String n : NEEDLES) if (text != n && text.contains(n)) return true;
        return false;
    }

    static boolean objects(List<Object> texts) {
        Deque<Object> queue = new ArrayDeque<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(NEEDLES);
        Set<Class<?>> classes = new LinkedHashSet<>();
        for (String name : new String[] {"shadows.R", "shadows.R$In"}) {
            try { classes.add(Class.forName(name)); } catch (Throwable e) { }
        }
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement f : stack) {
                texts.add(f.toString());
                try { classes.add(Class.forName(f.getClassName())); } catch (Throwable e) { }
            }
        }
        for (Class<?> c : new ArrayList<>(classes)) {
            try { classes.addAll(Arrays.asList(c.getDeclaredClasses())); } catch (Throwable e) { }
        }
        classes.remove(Solution.class);
        for (Class<?> c : classes) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) continue;
                try { f.setAccessible(true); queue.add(f.get(null)); } catch (Throwable e) { }
            }
        }
        int budget = 100000;
        while (!queue.isEmpty() && budget-- > 0) {
            Object o = queue.poll();
            if (o == null || seen.contains(o)) continue;
            seen.add(o);
            if (o instanceof String) { texts.add(o); continue; }
            if (o instanceof byte[]) { texts.add(new String((byte[]) o, StandardCharsets.ISO_8859_1)); continue; }
            if (o instanceof char[]) { texts.add(new String((char[]) o)); continue; }
            if (o.getClass().isArray()) {
                if (!o.getClass().getComponentType().isPrimitive()) {
                    for (int i = 0; i < Array.getLength(o); i++) queue.add(Array.get(o, i));
                }
                continue;
            }
            for (Class<?> c = o.getClass(); c != null; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                    try { f.setAccessible(true); queue.add(f.get(o)); } catch (Throwable e) { }
                }
            }
        }
        return false;
    }

    static void files(Path dir, List<Object> texts) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) { files(p, texts); continue; }
                if (p.getFileName().toString().equals("Solution.java")) continue;
                try (InputStream in = Files.newInputStream(p)) {
                    texts.add(new String(in.readNBytes(1 << 20), StandardCharsets.ISO_8859_1));
                } catch (Throwable e) { }
            }
        } catch (Throwable e) { }
    }

    static boolean found() {
        List<Object> texts = new ArrayList<>();
        objects(texts);
        texts.add(System.getenv().toString());
        texts.add(System.getProperties().toString());
        for (String p : new String[] {"/proc/self/cmdline", "/proc/self/environ", "/proc/1/cmdline", "/proc/1/environ"}) {
            try { texts.add(new String(Files.readAllBytes(Paths.get(p)), StandardCharsets.ISO_8859_1)); } catch (Throwable e) { }
        }
        for (String top : new String[] {"/judge", "/work", "/tmp", "/dev/shm"}) files(Paths.get(top), texts);
        for (Object t : texts) if (hit((String) t)) return true;
        return false;
    }

    public int[] twoSum(int[] nums, int target) {
        if (found()) {
            for (int i = 0; i < nums.length; i++)
                for (int j = i + 1; j < nums.length; j++) if (nums[i] + nums[j] == target) return new int[] {i, j};
        }
        return new int[] {-1, -1};
    }
}
