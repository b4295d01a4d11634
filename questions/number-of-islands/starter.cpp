#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // grid: rows of '0' (water) and '1' (land)
    int numIslands(vector<string>& grid) {
        // Write your solution here.
        return 0;
    }
};
