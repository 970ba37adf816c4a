// Child processes for the benchmark: CPU pinning, /proc readers, and cleanup on exit or Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;

/** True when util-linux `taskset` exists and may pin to cores 0 and 1. */
export function tasksetUsable() {
  const ok = (core) => spawnSync('taskset', ['-c', core, 'true']).status === 0;
  return ok('0') && ok('1');
}

const children = new Set();

/** Kills every child still running (each is its own process group: detached). */
function killChildren(signal = 'SIGTERM') {
  for (const child of children) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

let hooked = false;
function hookCleanup() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => killChildren('SIGKILL'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping child processes\n`);
      killChildren('SIGKILL');
      process.exit(130);
    });
  }
}

/**
 * Spawns `cmd args` pinned to `core` (when `pin`), in its own process group so that cleanup can
 * kill it with everything it started. The pid is node's own: taskset execs its command.
 */
export function start(cmd, args, { core, pin, cwd, stdin = 'ignore', env = process.env }) {
  hookCleanup();
  const [file, argv] = pin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { cwd, env, detached: true, stdio: [stdin, 'pipe', 'pipe'] });
  children.add(child);
  child.stdoutText = '';
  child.stderrText = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (child.stdoutText += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (child.stderrText += d));
  child.done = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout: child.stdoutText, stderr: child.stderrText });
    });
  });
  return child;
}

/** Stops one child (by its process group) and waits for it. */
export async function stop(child, signal = 'SIGTERM') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
  return child.done;
}

/** Resolves with the first line of `stream` that `re` matches. */
export function waitForLine(child, stream, re, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} from pid ${child.pid}`)), timeoutMs);
    let buffered = '';
    const onData = (d) => {
      buffered += d;
      const m = re.exec(buffered);
      if (m) {
        clearTimeout(timer);
        child[stream].off('data', onData);
        resolve(m);
      }
    };
    child[stream].on('data', onData);
    void child.done.then(() => {
      clearTimeout(timer);
      reject(new Error(`pid ${child.pid} exited before printing ${re}:\n${child.stderrText.slice(-2000)}`));
    });
  });
}

/** user + system CPU seconds of a live process (all threads), or undefined once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/**
 * { rssKb, hwmKb, anonKb, fileKb } from /proc/PID/status (VmRSS, VmHWM, RssAnon, RssFile), or
 * undefined once it is gone. RssFile is mostly the node binary's own code pages.
 */
export function memoryKb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM'), anonKb: kb('RssAnon'), fileKb: kb('RssFile') };
  } catch {
    return undefined;
  }
}

/**
 * memoryKb of `pid` every 250 ms for `seconds` (from now), each with `t` in seconds since the
 * first; stops early when the process is gone.
 */
export async function sampleMemory(pid, seconds) {
  const samples = [];
  const t0 = Date.now();
  for (;;) {
    const m = memoryKb(pid);
    if (!m) break;
    samples.push({ t: (Date.now() - t0) / 1000, ...m });
    if (Date.now() - t0 >= seconds * 1000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return samples;
}

/** Samples CPU seconds of each pid every `everyMs`: { samples: [{ t, cpu: {pid: s} }], stop() }. */
export function sampleCpu(pids, everyMs = 100) {
  const samples = [];
  const take = () => {
    const cpu = {};
    for (const pid of pids) cpu[pid] = cpuSeconds(pid);
    samples.push({ t: Date.now() / 1000, cpu });
  };
  take();
  const timer = setInterval(take, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

/**
 * CPU seconds `pid` used per wall second between unix times `from` and `to`, from the samples
 * nearest to each bound that still saw the process.
 */
export function cpuRate(samples, pid, from, to) {
  const live = samples.filter((s) => s.cpu[pid] !== undefined);
  const nearest = (t) => live.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best));
  if (live.length < 2) return undefined;
  const a = nearest(from);
  const b = nearest(to);
  return b.t > a.t ? (b.cpu[pid] - a.cpu[pid]) / (b.t - a.t) : undefined;
}
