// expect: compile_error
// class: blocking-device
// limits: compile_s=60
#if __has_include("/dev/tty")
#include "/dev/tty"
#elif __has_include("/dev/console")
#include "/dev/console"
#elif __has_include("/dev/stdin")
#include "/dev/stdin"
#endif
#error "no device to block on"
class Solution {};
