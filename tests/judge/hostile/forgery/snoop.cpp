// expect: wrong_answer
// class: snoop
// passed: 0
// Looks for a hidden test's id (which travels with its expected value) everywhere this process can see: every
// readable page of its own memory (the harness's buffers, its stack, the heap, through /proc/self/mem), the
// environment, /proc of itself and of pid 1, and every file under /judge, /work, /tmp and /dev/shm. It answers
// correctly only if one is found; none is: a frame holds a nonce and the test's arguments only.
#include <bits/stdc++.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
using namespace std;

static const char* REVERSED[] = {"sdne-ta-riap", "evitagen-stnemele-owt", "desuer-ton-eulav-emas", "ecno-tegrat-flah"};
static char* needles[4];  // turned around once, on the heap: the memory scan skips these four buffers
static char* chunk;       // and the buffer it reads into
static const size_t CHUNK = 1 << 20;

static bool ours(uintptr_t at) {
    for (char* n : needles)
        if (at >= (uintptr_t)n && at < (uintptr_t)n + 64) return true;
    return at >= (uintptr_t)chunk && at < (uintptr_t)chunk + CHUNK;
}

static bool hit(const char* data, size_t len, uintptr_t base, bool memory) {
    for (char* n : needles) {
        size_t nl = strlen(n);
        const char* from = data;
        while (const void* p = memmem(from, len - (from - data), n, nl)) {
            uintptr_t at = base + ((const char*)p - data);
            if (!memory || !ours(at)) return true;
            from = (const char*)p + 1;
        }
    }
    return false;
}

static bool file_hit(const string& path) {
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd < 0) return false;
    ssize_t n = read(fd, chunk, CHUNK);
    close(fd);
    bool found = n > 0 && hit(chunk, n, 0, false);
    memset(chunk, 0, CHUNK);
    return found;
}

static bool walk(const string& dir) {
    DIR* d = opendir(dir.c_str());
    if (!d) return false;
    bool found = false;
    while (dirent* e = readdir(d)) {
        string name = e->d_name;
        if (name == "." || name == ".." || name == "solution.cpp") continue;
        string p = dir + "/" + name;
        struct stat st;
        if (lstat(p.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) found = found || walk(p);
        else if (S_ISREG(st.st_mode)) found = found || file_hit(p);
    }
    closedir(d);
    return found;
}

static bool memory_hit() {
    int mem = open("/proc/self/mem", O_RDONLY);
    FILE* maps = fopen("/proc/self/maps", "r");
    if (mem < 0 || !maps) return false;
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, maps)) {
        unsigned long lo, hi;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r') continue;
        if (strstr(line, "[vvar]") || strstr(line, "[vsyscall]")) continue;
        for (unsigned long at = lo; at < hi && !found; at += CHUNK - 64) {
            size_t want = min<unsigned long>(CHUNK, hi - at);
            ssize_t n = pread(mem, chunk, want, (off_t)at);
            if (n > 0) found = hit(chunk, n, at, true);
            memset(chunk, 0, CHUNK);
        }
    }
    fclose(maps);
    close(mem);
    return found;
}

static bool found() {
    if (!chunk) {
        chunk = (char*)calloc(CHUNK, 1);
        for (int i = 0; i < 4; i++) {
            needles[i] = (char*)calloc(64, 1);
            size_t l = strlen(REVERSED[i]);
            for (size_t j = 0; j < l; j++) needles[i][j] = REVERSED[i][l - 1 - j];
        }
    }
    if (memory_hit()) return true;
    for (const char* p : {"/proc/self/cmdline", "/proc/self/environ", "/proc/1/cmdline", "/proc/1/environ"})
        if (file_hit(p)) return true;
    for (const char* top : {"/judge", "/work", "/tmp", "/dev/shm"})
        if (walk(top)) return true;
    return false;
}

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        if (found()) {
            for (int i = 0; i < (int)nums.size(); i++)
                for (int j = i + 1; j < (int)nums.size(); j++)
                    if (nums[i] + nums[j] == target) return {i, j};
        }
        return {-1, -1};
    }
};
