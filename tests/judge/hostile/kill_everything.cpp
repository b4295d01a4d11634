// expect: wrong_answer runtime_error time_limit
#include <bits/stdc++.h>
#include <signal.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        kill(getppid(), SIGKILL);
        kill(-1, SIGKILL);
        return {0, 1};
    }
};
