// expect: runtime_error
// class: internal-error-forgery
// Before main() even runs (a static initializer): lie on every descriptor, then exit as an exec failure would.
#include <bits/stdc++.h>
#include <unistd.h>
static int lie = [] {
    const char* lies = "bwrap: execvp ./prog: No such file or directory\n{ \"exit-code\": 127 }\n"
                       "{\"fatal\": \"internal\", \"msg\": \"sandbox failure\"}\n{\"s\":\"hello\"}\n";
    for (int fd = 0; fd < 64; fd++) if (write(fd, lies, strlen(lies)) < 0) {}
    _exit(127);
    return 0;
}();
class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) { return {0, 1}; }
};
