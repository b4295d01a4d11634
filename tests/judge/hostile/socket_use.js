// expect: accepted
// The sockets Node opens must pass the sandbox's socket filter (family, type and protocol): a child node started
// with piped stdio (libuv's Unix socket pairs) serves TCP on 127.0.0.1, sends itself UDP on 127.0.0.1 and lists
// the interfaces (getifaddrs: netlink route), all inside the sandbox's own network namespace, and says 'ok'.
const cp = require('child_process');

const PROBE = `
const net = require('net'), dgram = require('dgram'), os = require('os');
const names = Object.keys(os.networkInterfaces());
if (names.join() !== 'lo') throw new Error('interfaces ' + names);
const server = net.createServer(c => c.on('data', d => { c.end(); server.close(); udp(d[0]); }));
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1', () => c.end(Buffer.from([7])));
});
function udp(tcp) {
  const u = dgram.createSocket('udp4');
  u.bind(0, '127.0.0.1', () => u.send(Buffer.from([9]), u.address().port, '127.0.0.1'));
  u.on('message', m => { u.close(); if (tcp === 7 && m[0] === 9) process.stdout.write('ok'); });
}
setTimeout(() => process.exit(3), 2000).unref();
`;
let checked = false;

function twoSum(nums, target) {
  if (!checked) {
    const r = cp.spawnSync(process.execPath, ['-e', PROBE], { timeout: 3000, encoding: 'utf8' });
    if (r.error || r.stdout !== 'ok') throw new Error(`sockets: ${r.error} ${r.status} ${r.stdout} ${r.stderr}`);
    checked = true;
  }
  const seen = new Map();
  for (let j = 0; j < nums.length; j++) {
    if (seen.has(target - nums[j])) return [seen.get(target - nums[j]), j];
    seen.set(nums[j], j);
  }
  return [];
}
