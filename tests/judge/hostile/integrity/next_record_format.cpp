// expect: wrong_answer
// class: next-attack
// Prints what a passing record looks like on stdout, stderr and fd 3 (closed by the harness), then answers wrongly.
#include <bits/stdc++.h>
#include <unistd.h>
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        const char* rec = "{\"n\":\"0123456789abcdef\",\"ok\":true,\"v\":[0,1]}\n";
        printf("%s", rec);
        fprintf(stderr, "%s", rec);
        if (write(3, rec, strlen(rec)) < 0) {}
        return {9, 9};
    }
};
