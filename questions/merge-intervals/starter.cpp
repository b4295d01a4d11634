#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // Return the merged intervals, sorted by start.
    vector<vector<int>> merge(vector<vector<int>>& intervals) {
        // Write your solution here.
        return {};
    }
};
