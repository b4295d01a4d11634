// expect: accepted
// socket() and socketpair() of a (family, type, protocol) no runtime needs must be refused by the seccomp filter
// (EPERM) before the kernel sees them: for one it lacks, the kernel asks modprobe, as root on the host, for a
// module. So must every inet and netlink socket, some of whose memory no cgroup of the run is charged for. Unix
// sockets must work, and name resolution of a literal address. Any other outcome throws, naming the call.
#include <bits/stdc++.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
using namespace std;

static void fail(const string& what) { throw runtime_error(what); }

static void check_sockets() {
    const long flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
    const long refused[][3] = {
        {AF_INET, SOCK_SEQPACKET, 0}, {AF_INET, SOCK_RAW, 0}, {AF_INET, SOCK_RDM, 0}, {AF_INET, SOCK_DCCP, 0},
        {AF_INET, SOCK_PACKET, 0}, {AF_INET, SOCK_DGRAM, IPPROTO_TCP}, {AF_INET, SOCK_STREAM, IPPROTO_UDP},
        {AF_INET, SOCK_DCCP | flags, 0}, {AF_INET, (1L << 32) | SOCK_RAW, 0}, {AF_INET6, SOCK_RAW, 0},
        {AF_INET6, SOCK_SEQPACKET, 0}, {AF_INET6, SOCK_STREAM, IPPROTO_UDP}, {AF_UNIX, SOCK_RAW, 0},
        {AF_UNIX, SOCK_RDM | SOCK_CLOEXEC, 0}, {AF_NETLINK, SOCK_STREAM, 0}, {AF_NETLINK, SOCK_SEQPACKET, 0},
        {AF_NETLINK, SOCK_RAW, 0}, {AF_NETLINK, SOCK_DGRAM | flags, 0}, {AF_INET, SOCK_STREAM, 0},
        {AF_INET, SOCK_STREAM | flags, IPPROTO_TCP}, {AF_INET6, SOCK_STREAM, 0}, {AF_INET6, SOCK_STREAM, IPPROTO_TCP},
        {AF_INET, SOCK_DGRAM, 0}, {AF_INET, SOCK_DGRAM | flags, IPPROTO_UDP}, {AF_INET6, SOCK_DGRAM, IPPROTO_UDP},
    };
    int pair[2];
    for (auto& r : refused) {
        errno = 0;
        long a = syscall(SYS_socket, r[0], r[1], r[2]);
        int ea = errno;
        errno = 0;
        long b = syscall(SYS_socketpair, r[0], r[1], r[2], pair);
        int eb = errno;
        if (a != -1 || ea != EPERM || b != -1 || eb != EPERM)
            fail("socket(" + to_string(r[0]) + ", " + to_string(r[1]) + ", " + to_string(r[2]) +
                 ") reached the kernel: " + to_string(a) + " errno " + to_string(ea) + ", socketpair " +
                 to_string(b) + " errno " + to_string(eb));
    }
    // What runtimes do: socket pairs of every Unix type, a Unix server, getaddrinfo.
    for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
        char got[4] = {};
        if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, pair) != 0 || write(pair[0], "pair", 4) != 4 ||
            read(pair[1], got, 4) != 4 || memcmp(got, "pair", 4) != 0)
            fail("socketpair(AF_UNIX, " + to_string(type) + ") failed: errno " + to_string(errno));
        close(pair[0]), close(pair[1]);
    }
    sockaddr_un path{};
    path.sun_family = AF_UNIX;
    strcpy(path.sun_path, "/tmp/socket_types.sock");
    int server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (server < 0 || bind(server, (sockaddr*)&path, sizeof path) != 0 || listen(server, 1) != 0)
        fail("a Unix server: errno " + to_string(errno));
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    if (client < 0 || connect(client, (sockaddr*)&path, sizeof path) != 0)
        fail("connecting to it: errno " + to_string(errno));
    int conn = accept(server, nullptr, nullptr);
    char got[4] = {};
    if (conn < 0 || write(client, "unix", 4) != 4 || read(conn, got, 4) != 4 || memcmp(got, "unix", 4) != 0)
        fail("a Unix connection: errno " + to_string(errno));
    close(conn), close(client), close(server);
    ifaddrs* ifs = nullptr;
    errno = 0;
    if (getifaddrs(&ifs) == 0 || errno != EPERM) fail("getifaddrs reached netlink: errno " + to_string(errno));
    addrinfo hints{}, *found = nullptr;
    hints.ai_flags = AI_ADDRCONFIG;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo("127.0.0.1", "80", &hints, &found) != 0) fail("getaddrinfo");
    freeaddrinfo(found);
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        static bool checked = (check_sockets(), true);
        (void)checked;
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
