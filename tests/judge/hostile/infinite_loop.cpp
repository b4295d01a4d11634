// expect: time_limit
// limits: time_limit_s=0.5
#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        volatile long n = 0;
        for (;;) n++;
    }
};
