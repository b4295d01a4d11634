// expect: runtime_error
// class: deleted-binary
// tests: example-2=runtime_error example-3=accepted pair-at-ends=accepted
// On one test, delete (or empty, or replace) the program's own executable, then crash: the next test needs a
// fresh process from that executable.
#include <bits/stdc++.h>
#include <fcntl.h>
#include <unistd.h>
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        if (nums == vector<int>{3, 2, 4}) {
            char self[4096] = {0};
            if (readlink("/proc/self/exe", self, sizeof self - 1) < 0) {}
            unlink(self);
            unlink("/proc/self/exe");
            if (truncate(self, 0) < 0) {}
            int fd = open(self, O_WRONLY | O_TRUNC);
            if (fd >= 0) { if (write(fd, "x", 1) < 0) {} close(fd); }
            rename(self, "/work/stolen");
            abort();
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
