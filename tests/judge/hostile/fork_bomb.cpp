// expect: time_limit runtime_error memory_limit
#include <bits/stdc++.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        for (;;) fork();
    }
};
