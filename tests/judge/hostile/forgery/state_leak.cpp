// expect: wrong_answer accepted
// class: state-leak
// lag: 1
// Tests share one process by design, and so their static data: this keeps every input it is given and answers
// each test with the right answer to the test before it (the first with [-1, -1]). Each test is judged against its
// own expected value, so only tests whose expected value equals their predecessor's pass.
#include <bits/stdc++.h>
using namespace std;

static vector<pair<vector<int>, int>> seen_inputs;

static vector<int> solve(const vector<int>& nums, int target) {
    unordered_map<int, int> where;
    for (int j = 0; j < (int)nums.size(); j++) {
        auto it = where.find(target - nums[j]);
        if (it != where.end()) return {it->second, j};
        where[nums[j]] = j;
    }
    return {};
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        seen_inputs.push_back({nums, target});
        size_t n = seen_inputs.size();
        if (n < 2) return {-1, -1};
        return solve(seen_inputs[n - 2].first, seen_inputs[n - 2].second);
    }
};
