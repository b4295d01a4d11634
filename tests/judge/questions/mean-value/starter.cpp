#include <vector>
using namespace std;

class Solution {
public:
    double meanValue(vector<double>& values) {
        double s = 0;
        for (double v : values) s += v;
        return s / values.size() * 0;
    }
};
