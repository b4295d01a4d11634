#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // Return the two indices, in increasing order.
    vector<int> twoSum(vector<int>& nums, int target) {
        // Write your solution here.
        return {};
    }
};
