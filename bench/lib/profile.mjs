// Top self-time functions of a V8 .cpuprofile (as written by node --cpu-prof).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The main thread's profile in `dir`: node names them CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile,
 * and a worker thread's (thread 1 and up: mostly idle) sorts after the main thread's (thread 0).
 */
function mainThreadProfile(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  const main = files.filter((f) => f.split('.').at(-3) === '0');
  return main.at(-1) ?? files.at(-1);
}

/** [{ name, where, ms, pct }] for the `top` functions by self time, summed over call sites. */
export function topSelfTime(dir, root, top = 15) {
  const file = mainThreadProfile(dir);
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { callFrame: f } = byId.get(id);
    const url = f.url.startsWith('file://') ? relative(root, new URL(f.url).pathname) : f.url;
    const key = `${f.functionName || '(anonymous)'}\t${url ? `${url}:${f.lineNumber + 1}` : ''}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
  });
  return {
    file: join(dir, file),
    totalMs: total / 1000,
    top: [...selfUs]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, us]) => {
        const [name, where] = key.split('\t');
        return { name, where, ms: us / 1000, pct: (100 * us) / total };
      }),
  };
}
