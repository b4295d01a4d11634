#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    vector<double> runningMedian(vector<int>& nums) {
        priority_queue<int> low;                             // max-heap: smaller half, may hold one extra
        priority_queue<int, vector<int>, greater<int>> high;  // min-heap: larger half
        vector<double> medians;
        medians.reserve(nums.size());
        for (int x : nums) {
            low.push(x);
            high.push(low.top());
            low.pop();
            if (high.size() > low.size()) {
                low.push(high.top());
                high.pop();
            }
            medians.push_back(low.size() > high.size()
                                  ? low.top()
                                  : ((long long)low.top() + high.top()) / 2.0);  // the sum can exceed int
        }
        return medians;
    }
};
