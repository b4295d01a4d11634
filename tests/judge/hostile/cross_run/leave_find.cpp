// expect: runtime_error
// plants: file:/tmp file:/work file:/dev/shm process abstract-socket sysv-shm sysv-msg sysv-sem posix-mq
// Leaves a marker in everything a process can write that might outlive it (files, SysV IPC, a POSIX queue, a
// daemon of its own session holding an abstract Unix socket), then ends its process, in every process the judge
// starts for it: each test's process first looks for what an earlier one left (this run's, or any earlier run's on
// the host) and prints FOUND for each; after planting it looks again and prints CONTROL for each place it can see
// its own marker (the proof that the look would find one).
#include <bits/stdc++.h>
#include <dirent.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
using namespace std;

static const string TAG = "shadows-xrun";
static const key_t KEY = 0x5AD00001;
static const char* DIRS[] = {"/tmp", "/work", "/dev/shm"};

static string slurp(const string& path) {
    ifstream in(path, ios::binary);
    return string((istreambuf_iterator<char>(in)), istreambuf_iterator<char>());
}

static vector<string> look() {
    vector<string> found;
    for (const char* d : DIRS) if (access((string(d) + "/" + TAG).c_str(), F_OK) == 0) found.push_back(string("file:") + d);
    string me = to_string(getpid());
    if (DIR* proc = opendir("/proc")) {
        bool seen = false;
        while (dirent* e = readdir(proc)) {
            string p = e->d_name;
            if (!seen && isdigit((unsigned char)p[0]) && p != me && slurp("/proc/" + p + "/cmdline").find(TAG) != string::npos) seen = true;
        }
        closedir(proc);
        if (seen) found.push_back("process");
    }
    if (slurp("/proc/net/unix").find("@" + TAG) != string::npos) found.push_back("abstract-socket");
    for (const char* kind : {"shm", "msg", "sem"}) {
        istringstream lines(slurp(string("/proc/sysvipc/") + kind));
        string line;
        while (getline(lines, line)) {
            istringstream words(line);
            string first;
            if ((words >> first) && first == to_string(KEY)) { found.push_back(string("sysv-") + kind); break; }
        }
    }
    mqd_t q = mq_open(("/" + TAG).c_str(), O_RDONLY);
    if (q != (mqd_t)-1) { found.push_back("posix-mq"); mq_close(q); }
    return found;
}

static void plant() {
    for (const char* d : DIRS) ofstream(string(d) + "/" + TAG) << TAG;
    shmget(KEY, 4096, IPC_CREAT | 0600);
    msgget(KEY, IPC_CREAT | 0600);
    semget(KEY, 1, IPC_CREAT | 0600);
    mq_open(("/" + TAG).c_str(), O_RDONLY | O_CREAT, 0600, nullptr);
    int ready[2];  // closed on exec: read() returns once the daemon runs as sleep, its argv[0] the marker
    if (pipe2(ready, O_CLOEXEC) != 0) return;
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            int s = socket(AF_UNIX, SOCK_STREAM, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            memcpy(addr.sun_path + 1, TAG.data(), TAG.size());
            bind(s, (sockaddr*)&addr, offsetof(sockaddr_un, sun_path) + 1 + TAG.size());
            listen(s, 1);
            for (int fd = 0; fd < 3; fd++) close(fd);
            execl("/bin/sleep", TAG.c_str(), "1000", (char*)nullptr);  // argv[0], in /proc/N/cmdline
            _exit(0);
        }
        _exit(0);
    }
    char c;
    close(ready[1]);
    read(ready[0], &c, 1);
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        for (auto& place : look()) cout << "FOUND " << place << "\n";
        plant();
        for (auto& place : look()) cout << "CONTROL " << place << "\n";
        cout.flush();
        _exit(3);
    }
};
