import { execFileSync } from 'node:child_process';
import { onTestFinished } from 'vitest';

/**
 * Hosts for multi-machine tests: network namespaces joined by veth pairs to a bridge that lives
 * in a namespace of its own (the "switch"), on a private /24 that exists only inside them.
 * Needs root and iproute2 (`.ci/run` installs it). Everything is removed when the test ends.
 */
export interface Lab {
  /** Runs a command inside a host: `ip netns exec <ns> ...`. */
  prefix(host: string): string[];
  address(host: string): string;
  /** Takes a host's link to the switch down (a cut cable) or up again. */
  link(host: string, up: boolean): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function canUseNetns(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

let labs = 0;

/** Builds a lab with the given host names; subnet 10.231.<n>.0/24 with n unique per lab. */
export function createLab(hosts: string[]): Lab {
  const n = (process.pid % 200) + (labs++ % 50);
  const tag = `lc${process.pid % 10000}x${labs}`;
  const sw = `${tag}-sw`;
  const names = new Map(hosts.map((h, i) => [h, { ns: `${tag}-${h}`, addr: `10.231.${n}.${i + 1}`, peer: `${tag}p${i}` }]));
  const cleanup = () => {
    for (const { ns } of names.values()) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // already gone
      }
    }
    try {
      ip('netns', 'del', sw);
    } catch {
      // already gone
    }
  };
  onTestFinished(cleanup);
  ip('netns', 'add', sw);
  ip('-n', sw, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', sw, 'link', 'set', 'br0', 'up');
  for (const { ns, addr, peer } of names.values()) {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('link', 'add', 'eth0', 'netns', ns, 'type', 'veth', 'peer', 'name', peer, 'netns', sw);
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
    ip('-n', ns, 'link', 'set', 'eth0', 'up');
    ip('-n', sw, 'link', 'set', peer, 'master', 'br0');
    ip('-n', sw, 'link', 'set', peer, 'up');
  }
  const get = (host: string) => {
    const h = names.get(host);
    if (!h) throw new Error(`no host ${host} in this lab`);
    return h;
  };
  return {
    prefix: (host) => ['ip', 'netns', 'exec', get(host).ns],
    address: (host) => get(host).addr,
    link(host, up) {
      ip('-n', sw, 'link', 'set', get(host).peer, up ? 'up' : 'down');
    },
  };
}
