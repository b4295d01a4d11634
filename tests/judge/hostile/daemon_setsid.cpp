// expect: accepted
#include <bits/stdc++.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
using namespace std;

static void phone_home_forever() {
    setsid();
    if (fork() != 0) _exit(0);
    for (int fd = 0; fd < 4; fd++) close(fd);
    for (int i = 0; i < 150; i++) {  // ~30 s: outlive the run, keep trying the listener
        int s = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(__PORT__);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (s >= 0) { connect(s, (sockaddr*)&addr, sizeof addr); close(s); }
        usleep(200000);
    }
    _exit(0);
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        static bool started = false;
        if (!started) {
            started = true;
            pid_t pid = fork();
            if (pid == 0) phone_home_forever();
            if (pid > 0) waitpid(pid, nullptr, 0);
        }
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
