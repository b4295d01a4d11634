#include <vector>
#include <algorithm>
using namespace std;

class Solution {
public:
    vector<vector<int>> pairSums(vector<int>& nums, int target) {
        vector<vector<int>> out;
        for (size_t i = 0; i < nums.size(); i++)
            for (size_t j = i + 1; j < nums.size(); j++)
                if (nums[i] + nums[j] == target) out.push_back({nums[i], nums[j]});
        if (!out.empty()) out.erase(out.begin());
        return out;
    }
};
