// expect: wrong_answer runtime_error
const fs = require('fs');
for (let i = 0; i < 1000; i++) {
  fs.writeSync(3, JSON.stringify({ i, ok: true, v: [0, 1], ms: 0.1, out: '', err: '' }) + '\n');
}

function twoSum(nums, target) {
  fs.writeSync(3, '{"verdict": "accepted"}\n');
  process.exit(0);
}
