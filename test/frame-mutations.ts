import { Packr } from 'msgpackr';

// Mutations of wire frames for fuzzing the master: a field changed, removed, retyped or blown up
// to a huge array or string, bucket bytes cut or corrupted, or the encoded frame cut or flipped.

const packr = new Packr({ useRecords: false });

/** The seeded generator of the mutations: core's, so a seed repeats a failing run. */
export { seededRandom as generator } from '@locusta/core';

type Tree = Record<string, unknown> | unknown[];

/** Every [parent, key] in a decoded message, so a mutation can pick any field at any depth. */
function slots(root: unknown): Array<[Tree, string | number]> {
  const out: Array<[Tree, string | number]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      // Long lists (bucket arrays, per-second pairs) count a few times, not once per item.
      const step = Math.max(1, Math.floor(v.length / 8));
      for (let i = 0; i < v.length; i += step) {
        out.push([v, i]);
        walk(v[i]);
      }
    } else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const k of Object.keys(v)) {
        out.push([v as Record<string, unknown>, k]);
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(root);
  return out;
}

const ODD_VALUES: unknown[] = [
  Number.NaN, Infinity, -Infinity, -1, -0.5, 0, 0.5, 1, 2 ** 31, 2 ** 53, 2 ** 60, 1e300, -1e300,
  '', 'x', 'GET', '/slow', null, undefined, true, false, [], {}, [1], { a: 1 }, new Uint8Array([0x80]), new Uint8Array(0),
];

/** One mutated frame: a field changed, removed, retyped or blown up; or the encoded bytes cut or flipped. */
export function mutate(base: Buffer, rand: () => number, nodeId: string): Buffer {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const op = rand();
  if (op < 0.08) return base.subarray(0, Math.floor(rand() * base.length));
  if (op < 0.16) {
    const copy = Buffer.from(base);
    for (let n = 1 + Math.floor(rand() * 4); n > 0; n--) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
    return copy;
  }
  const msg = packr.unpack(base) as Record<string, unknown>;
  msg['nodeId'] = nodeId;
  const all = slots(msg);
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    const [parent, key] = pick(all);
    const current = (parent as Record<string | number, unknown>)[key];
    const how = rand();
    const set = (v: unknown) => ((parent as Record<string | number, unknown>)[key] = v);
    if (how < 0.15) {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key as string];
    } else if (how < 0.55) set(pick(ODD_VALUES));
    else if (how < 0.7 && typeof current === 'number') set(current * pick([-1, 2, 1000, 1e-9]) + pick([0, 1, 0.5]));
    else if (how < 0.8 && current instanceof Uint8Array) {
      const bytes = Uint8Array.from(current);
      const kind = rand();
      if (kind < 0.3) set(bytes.subarray(0, Math.floor(rand() * bytes.length)));
      else if (kind < 0.6 && bytes.length > 0) {
        bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        set(bytes);
      } else if (kind < 0.8) set(Uint8Array.from([...bytes, 0xff, 0xff, 0xff, 0x7f, 1]));
      else set(Array.from(bytes));
    } else if (how < 0.85) set(Array.from({ length: 50_000 }, () => (rand() < 0.5 ? [1, 1] : 1)));
    else if (how < 0.9) set('x'.repeat(100_000));
    else {
      // A part of the message in the wrong place (taken from a fresh copy, so no cycle is made).
      const [otherParent, otherKey] = pick(slots(packr.unpack(base)));
      set((otherParent as Record<string | number, unknown>)[otherKey]);
    }
  }
  try {
    return packr.pack(msg);
  } catch {
    return base; // a shape msgpackr cannot encode: send the original instead
  }
}

