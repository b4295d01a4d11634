// expect: accepted
// The sockets Node opens must pass the sandbox's socket filter (family, type and protocol): a child node started
// with piped stdio (libuv's Unix socket pairs) serves on a Unix socket and says 'ok'. Inet and netlink sockets (the
// interfaces' list, getifaddrs) are refused, some of what they make the kernel keep being charged to no cgroup of
// the run, and Node reports each refusal as an error (EPERM), not a crash.
const cp = require('child_process');

const PROBE = `
const net = require('net'), dgram = require('dgram'), os = require('os');
let listed;
try { listed = Object.keys(os.networkInterfaces()); } catch (e) { listed = e.message; }
if (!/system error 1 |EPERM/.test(String(listed))) throw new Error('interfaces ' + listed);  // errno 1: EPERM
const tcp = net.createServer();
tcp.on('error', e => {
  if (e.code !== 'EPERM') throw e;
  const server = net.createServer(c => c.on('data', d => { c.end(); server.close(); udp(d[0]); }));
  server.listen('/tmp/socket_use.sock', () => {
    const c = net.connect('/tmp/socket_use.sock', () => c.end(Buffer.from([7])));
  });
});
tcp.listen(0, '127.0.0.1', () => { throw new Error('a TCP server was allowed'); });
function udp(unix) {
  let u;
  try { u = dgram.createSocket('udp4'); u.bind(0, '127.0.0.1'); } catch (e) { if (e.code !== 'EPERM') throw e; }
  if (u) u.on('error', e => { if (e.code === 'EPERM' && unix === 7) process.stdout.write('ok'); });
  else if (unix === 7) process.stdout.write('ok');
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
