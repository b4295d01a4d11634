// expect: runtime_error
// class: exfiltration
const fs = require('fs');
const path = require('path');
const found = [];
function walk(dir) {
  let entries;
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch (e) { return; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { walk(p); continue; }
    try {
      const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const buf = Buffer.alloc(4096);
      const n = fs.readSync(fd, buf, 0, 4096, null);
      fs.closeSync(fd);
      const text = buf.subarray(0, n).toString();
      if (p.endsWith('.json') || text.includes('[')) found.push([p, text.slice(0, 200)]);
    } catch (e) {}
  }
}
for (const top of ['/judge', '/work', '/tmp', '/dev/shm']) walk(top);
throw new Error('found: ' + JSON.stringify(found));
function twoSum(nums, target) { return [0, 1]; }
