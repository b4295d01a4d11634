// expect: compile_error
// class: blocking-device
// limits: compile_s=60
// A pseudo-terminal master blocks a reader forever; a judge whose compiler could open one would hang for the
// whole compile budget. It must not exist at compile time: an immediate compile error.
#include "/dev/ptmx"
class Solution {};
