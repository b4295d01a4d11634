#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // medians[i] is the median of nums[0..i].
    vector<double> runningMedian(vector<int>& nums) {
        // Write your solution here.
        return {};
    }
};
