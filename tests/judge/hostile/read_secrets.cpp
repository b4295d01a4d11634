// expect: accepted
#include <bits/stdc++.h>
#include <dirent.h>
#include <unistd.h>
// The compiler sees what the program sees: no host file beyond the toolchain's (an .incbin reads the same way).
#if __has_include("__CANARY_PATH__") || __has_include("__PROJECT_ENV__") || __has_include("/etc/shadow")
#error "the compiler can read a host file"
#endif
using namespace std;
extern char** environ;

static bool leaks(const string& s) {
    for (const char* m : {"canary-", "OPENAI_API_KEY", "DATABASE_URL", "SHADOWS_"})
        if (s.find(m) != string::npos) return true;
    return false;
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        vector<string> found;
        for (char** e = environ; *e; ++e) if (leaks(*e)) found.push_back(*e);
        vector<string> paths = {"__CANARY_PATH__", "__PROJECT_ENV__", "/etc/shadow", "/proc/1/environ"};
        paths.push_back("/proc/" + to_string(getppid()) + "/environ");
        if (DIR* d = opendir("/proc")) {
            while (dirent* ent = readdir(d))
                if (isdigit(ent->d_name[0])) paths.push_back(string("/proc/") + ent->d_name + "/environ");
            closedir(d);
        }
        for (auto& p : paths) {
            ifstream f(p, ios::binary);
            if (!f) continue;
            string text((istreambuf_iterator<char>(f)), istreambuf_iterator<char>());
            if (leaks(text)) found.push_back(text);
        }
        if (!found.empty()) { for (auto& s : found) cout << "LEAKED " << s << '\n'; return {}; }
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
