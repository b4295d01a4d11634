// expect: memory_limit runtime_error
// limits: time_limit_s=6
#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        vector<char*> hoard;
        for (;;) { char* p = new char[32 << 20]; memset(p, 1, 32 << 20); hoard.push_back(p); }
    }
};
