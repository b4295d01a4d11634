// expect: runtime_error
// class: internal-error-forgery
const fs = require('fs');
const lies = ['bwrap: execvp /usr/bin/node: No such file or directory\n', '{ "exit-code": 127 }\n',
  '{"fatal": "internal", "msg": "sandbox failure"}\n', '{"s": "hello"}\n'];
for (let fd = 0; fd < 64; fd++) for (const lie of lies) { try { fs.writeSync(fd, lie); } catch (e) {} }
process.reallyExit(127);
function twoSum(nums, target) { return [0, 1]; }
