// expect: accepted
// The sockets the JVM opens must pass the sandbox's socket filter (family, type and protocol): a Unix domain server
// and Pipe.open (a Unix socket pair). Inet sockets are refused (some of what they make the kernel keep is charged to
// no cgroup of the run), and the JVM reports each refusal as an exception, not a crash: TCP and UDP sockets,
// NetworkInterface (its ioctls need a datagram socket), and IPv6, which its probe (a TCP socket) finds unavailable.
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.util.*;

class Solution {
    private static boolean checked;

    private static void refused(String what, Callable call) throws Exception {
        try {
            call.run();
        } catch (SocketException | UnsupportedOperationException expected) {
            return;
        }
        throw new IllegalStateException(what + " was allowed");
    }

    interface Callable {
        void run() throws Exception;
    }

    private static void checkSockets() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        refused("a TCP server", () -> new ServerSocket(0, 1, lo).close());
        refused("a UDP socket", () -> new DatagramSocket(0, lo).close());
        refused("NetworkInterface", () -> NetworkInterface.getNetworkInterfaces());
        refused("an IPv6 channel", () -> DatagramChannel.open(StandardProtocolFamily.INET6).close());
        UnixDomainSocketAddress path = UnixDomainSocketAddress.of("/tmp/socket_use.sock");
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(path);
            try (SocketChannel client = SocketChannel.open(path); SocketChannel conn = unix.accept()) {
                client.write(ByteBuffer.wrap(new byte[] {5}));
                ByteBuffer got = ByteBuffer.allocate(1);
                if (conn.read(got) != 1 || got.get(0) != 5) throw new IllegalStateException("unix");
            }
        }
        Pipe pipe = Pipe.open();
        pipe.sink().close();
        pipe.source().close();
        try (Selector s = Selector.open()) {
            checked = true;
        }
    }

    public int[] twoSum(int[] nums, int target) {
        if (!checked) {
            try { checkSockets(); } catch (Exception e) { throw new RuntimeException("sockets: " + e, e); }
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
