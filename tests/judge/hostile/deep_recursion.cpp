// expect: runtime_error memory_limit
#include <bits/stdc++.h>
using namespace std;

static int down(volatile int n) { volatile char pad[256]; pad[0] = (char)n; return down(n + 1) + pad[0]; }

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        return {down(0)};
    }
};
