// expect: time_limit
// limits: time_limit_s=0.5
#include <bits/stdc++.h>
#include <signal.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        signal(SIGALRM, SIG_IGN);  // disarm a SIGALRM watchdog, then sleep through any deadline
        sleep(3600);
        return {0, 1};
    }
};
