// expect: compile_error
// class: exfiltration
// Pull the tests into the compiler's output: wherever they might have been written before the compile.
#if __has_include("input.json")
#include "input.json"
#elif __has_include("/work/input.json")
#include "/work/input.json"
#elif __has_include("/judge/input.json")
#include "/judge/input.json"
#elif __has_include("/judge/tests.json")
#include "/judge/tests.json"
#elif __has_include("/proc/self/fd/0")
#include "/proc/self/fd/0"
#else
#error "nothing to include"
#endif
class Solution {};
