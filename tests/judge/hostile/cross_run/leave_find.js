// expect: runtime_error
// plants: file:/tmp file:/work file:/dev/shm process abstract-socket
// Leaves a marker in everything a process can write that might outlive it (files, a detached child, a detached
// Node process listening on an abstract Unix socket), then ends its process, in every process the judge starts for
// it: each test's process first looks for what an earlier one left (this run's, or any earlier run's on the host:
// SysV IPC and POSIX queues too, through /proc) and prints FOUND for each; after planting it looks again and prints
// CONTROL for each place it can see its own marker.
const fs = require("fs");
const { spawn } = require("child_process");
const TAG = "shadows-xrun";
const KEY = String(0x5ad00001);
const DIRS = ["/tmp", "/work", "/dev/shm"];
const DAEMON = `require("net").createServer().listen("\\0${TAG}"); setTimeout(() => {}, 1e9);`;

function read(path) {
  try { return fs.readFileSync(path, "latin1"); } catch (e) { return ""; }
}

function look() {
  const found = DIRS.filter((d) => fs.existsSync(`${d}/${TAG}`)).map((d) => `file:${d}`);
  const me = String(process.pid);
  if (fs.readdirSync("/proc").some((p) => /^\d+$/.test(p) && p !== me && read(`/proc/${p}/cmdline`).includes(TAG))) {
    found.push("process");
  }
  if (read("/proc/net/unix").includes("@" + TAG)) found.push("abstract-socket");
  for (const kind of ["shm", "msg", "sem"]) {
    if (read(`/proc/sysvipc/${kind}`).split("\n").some((l) => l.trim().split(/\s+/)[0] === KEY)) {
      found.push(`sysv-${kind}`);
    }
  }
  return found;
}

function plant() {
  for (const d of DIRS) fs.writeFileSync(`${d}/${TAG}`, TAG);
  spawn("/bin/sh", ["-c", "sleep 1000; true", TAG], { detached: true, stdio: "ignore" }).unref();
  spawn(process.execPath, ["-e", DAEMON, TAG], { detached: true, stdio: "ignore" }).unref();
  const deadline = Date.now() + 3000;
  while (!read("/proc/net/unix").includes("@" + TAG) && Date.now() < deadline) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  }
}

function twoSum(nums, target) {
  for (const place of look()) process.stdout.write(`FOUND ${place}\n`);
  plant();
  for (const place of look()) process.stdout.write(`CONTROL ${place}\n`);
  process.kill(process.pid, "SIGKILL");
}
