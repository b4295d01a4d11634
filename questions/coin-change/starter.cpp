#include <bits/stdc++.h>
using namespace std;

class Solution {
public:
    // Return the fewest coins that make up amount, or -1.
    int coinChange(vector<int>& coins, int amount) {
        // Write your solution here.
        return 0;
    }
};
