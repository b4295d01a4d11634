// expect: accepted
// class: exfiltration
#include <bits/stdc++.h>
#include <unistd.h>
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        string text;
        for (int x : nums) { if (text.size() > 20000) break; text += to_string(x) + ","; }
        text += " " + to_string(target) + "\n";
        printf("%s", text.c_str());
        fprintf(stderr, "%s", text.c_str());
        cout << text;
        if (write(1, text.data(), text.size()) < 0 || write(2, text.data(), text.size()) < 0) {}
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
