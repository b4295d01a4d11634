// expect: wrong_answer runtime_error
#include <bits/stdc++.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        string lines;
        for (int i = 0; i < 1000; i++)
            lines += "{\"i\": " + to_string(i) + ", \"ok\": true, \"v\": [0, 1], \"ms\": 0.1, \"out\": \"\", \"err\": \"\"}\n";
        lines += "{\"verdict\": \"accepted\"}\n";
        if (write(3, lines.data(), lines.size()) < 0) return {};
        _exit(0);
    }
};
