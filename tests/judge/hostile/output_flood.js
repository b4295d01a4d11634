// expect: output_limit
const fs = require('fs');

function twoSum(nums, target) {
  const chunk = 'x'.repeat(1 << 20);
  for (let i = 0; i < 100; i++) console.log(chunk);
  for (let i = 0; i < 100; i++) fs.writeSync(1, chunk);
  return [0, 1];
}
