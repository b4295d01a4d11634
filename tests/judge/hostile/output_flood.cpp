// expect: output_limit
#include <bits/stdc++.h>
#include <unistd.h>
using namespace std;

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        string chunk(1 << 20, 'x');
        for (int i = 0; i < 100; i++) cout << chunk << '\n';
        for (int i = 0; i < 100; i++) if (write(1, chunk.data(), chunk.size()) < 0) break;
        return {0, 1};
    }
};
