// expect: time_limit runtime_error memory_limit
// limits: time_limit_s=0.5
#include <bits/stdc++.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        for (;;) fork();
    }
};
