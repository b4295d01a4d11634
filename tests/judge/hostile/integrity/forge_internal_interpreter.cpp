// expect: runtime_error
// class: internal-error-forgery
// The compiled program names a program interpreter that does not exist (its own .interp section, placed before
// the linker's): the kernel refuses to execute it, bwrap reports that it could not start it, and the judge took
// that for its own failure (internal_error). The binary is built from the candidate's source: their runtime_error.
#include <bits/stdc++.h>
using namespace std;

extern "C" __attribute__((section(".interp"), used)) const char planted_interpreter[] = "/nonexistent/ld.so";

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
