// expect: accepted
// The sockets the JVM opens must pass the sandbox's socket filter (family, type and protocol): TCP (IPPROTO_TCP
// given explicitly) and UDP on 127.0.0.1, IPv6 probes, NetworkInterface (datagram sockets for its ioctls), a Unix
// domain channel, and Pipe.open (a Unix socket pair). All inside the sandbox's own network namespace.
import java.net.*;
import java.nio.channels.*;
import java.util.*;

class Solution {
    private static boolean checked;

    private static void checkSockets() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, 1, lo);
             Socket client = new Socket(lo, server.getLocalPort());
             Socket conn = server.accept()) {
            client.getOutputStream().write(7);
            if (conn.getInputStream().read() != 7) throw new IllegalStateException("tcp");
        }
        try (DatagramSocket udp = new DatagramSocket(0, lo)) {
            udp.send(new DatagramPacket(new byte[] {9}, 1, udp.getLocalSocketAddress()));
            DatagramPacket got = new DatagramPacket(new byte[1], 1);
            udp.receive(got);
            if (got.getData()[0] != 9) throw new IllegalStateException("udp");
        }
        List<String> names = new ArrayList<>();
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) names.add(i.getName());
        if (!names.equals(List.of("lo"))) throw new IllegalStateException("interfaces " + names);
        try (ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.bind(UnixDomainSocketAddress.of("/tmp/socket_use.sock"));
        }
        Pipe pipe = Pipe.open();
        pipe.sink().close();
        pipe.source().close();
        try (DatagramChannel d = DatagramChannel.open(StandardProtocolFamily.INET6); Selector s = Selector.open()) {
            d.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        }
        checked = true;
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
