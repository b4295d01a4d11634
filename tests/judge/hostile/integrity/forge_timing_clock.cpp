// expect: time_limit
// class: forged-timing
// tests: pair-at-ends=time_limit example-1=accepted
#include <bits/stdc++.h>
#include <csignal>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

// Every clock a self-timing harness in this process could read now says "no time passed".
extern "C" int clock_gettime(clockid_t, struct timespec* ts) { ts->tv_sec = 0; ts->tv_nsec = 0; return 0; }
extern "C" int gettimeofday(struct timeval* tv, void*) { tv->tv_sec = 0; tv->tv_usec = 0; return 0; }

static long long real_ns() {
  struct timespec ts;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        if (nums.size() == 5 && nums[4] == 20) {
            sigset_t all; sigfillset(&all); sigprocmask(SIG_BLOCK, &all, nullptr);
            struct itimerval off{}; setitimer(ITIMER_REAL, &off, nullptr);
            for (int s : {SIGALRM, SIGXCPU, SIGTERM, SIGVTALRM}) signal(s, SIG_IGN);
            long long end = real_ns() + 2500000000LL;
            while (real_ns() < end) {}
        }
        unordered_map<int, int> seen;
        for (int j = 0; j < (int)nums.size(); j++) {
            auto it = seen.find(target - nums[j]);
            if (it != seen.end()) return {it->second, j};
            seen[nums[j]] = j;
        }
        return {};
    }
};
