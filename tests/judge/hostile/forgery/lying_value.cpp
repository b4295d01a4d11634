// expect: wrong_answer runtime_error
// class: lying-value
// passed: 0
// Makes the comparison say "equal" when it is not. Its source is compiled with the harness's main, so it replaces
// the harness's encoder for its answer's type (an overload of shadows::write that the loop then calls) and forges
// records through the harness's own emit() and record_head() (the test's nonce included), carrying NaN, Infinity,
// a string, an object, no value, a second value; it also overloads operator== on vectors, which the judge never
// uses. Every value any of them makes the harness write is wrong for every test: the judge compares the JSON it
// decodes, in its own process.
#include <bits/stdc++.h>
using namespace std;

static int calls = 0;
static int trick = 0;

bool operator==(const vector<int>&, const vector<int>&) { return true; }

namespace shadows {
std::string record_head(bool ok);
void emit(const std::string& s);
// A better match than the harness's template for vector<T>: the harness's loop writes every answer through this.
void write(std::string& o, const std::vector<int>& v) {
    static const char* lies[] = {"NaN", "Infinity", "\"[0,1]\"", "{\"0\":0,\"1\":1}", "[-1,-1],\"v\":[-2,-2]",
                                 "-0.0", "[[0],[1]]", "true"};
    if (trick < 8) o += lies[trick];
    else {
        o += "[";
        for (size_t i = 0; i < v.size(); i++) o += (i ? "," : "") + to_string(v[i]);
        o += "]";
    }
}
}  // namespace shadows

class Solution {
public:
    vector<int> twoSum(vector<int>& nums, int target) {
        int n = calls++ % 12;
        trick = n;
        if (n == 8) {  // a forged record through the harness's own functions, before the real one
            shadows::emit(shadows::record_head(true) + ",\"v\":[1e400,-1]}\n");
        } else if (n == 9) {
            shadows::emit(shadows::record_head(true) + "}\n");  // no value
        } else if (n == 10) {
            std::string line = shadows::record_head(true) + ",\"v\":[-1,-1]}\n";
            ::write(3, line.data(), line.size());  // straight onto the results channel's descriptor, if it is open
            ::write(1, "{\"verdict\":\"accepted\"}\n", 23);
        }
        return {-1, -1};
    }
};
