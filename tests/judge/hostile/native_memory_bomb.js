// expect: memory_limit runtime_error
// limits: time_limit_s=6
function twoSum(nums, target) {
  const hoard = [];
  for (;;) { const b = Buffer.alloc(32 << 20); b.fill(1); hoard.push(b); }  // outside the V8 heap limit
}
