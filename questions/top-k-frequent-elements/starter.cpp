#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // Return the k most frequent values, in any order.
    vector<int> topKFrequent(vector<int>& nums, int k) {
        // Write your solution here.
        return {};
    }
};
