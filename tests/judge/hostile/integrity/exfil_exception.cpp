// expect: runtime_error
// class: exfiltration
#include <bits/stdc++.h>
static std::string seen;
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        for (int x : nums) seen += to_string(x) + ",";
        seen += "|" + to_string(target) + ";";
        throw std::runtime_error("inputs so far: " + seen);
    }
};
