import { LocustaError } from '@locusta/core';

/** Goodput bounds in milliseconds (DistServe's definition, as vLLM's `--goodput`). */
export interface GoodputSpec {
  /** Time to first token. */
  ttft?: number;
  /** Time per output token after the first. */
  tpot?: number;
  /** End-to-end latency. */
  e2e?: number;
}

/** What one request measured, in ms; a metric the request does not have is undefined. */
export interface GoodputSample {
  ttft?: number;
  tpot?: number;
  e2e: number;
}

/**
 * A `--goodput` value that does not parse. The message is one line and quotes the input; being
 * a LocustaError, the CLI reports it as one line, `locusta: error: <message>`.
 */
export class GoodputError extends LocustaError {
  readonly input: string;

  constructor(input: string, reason: string) {
    super('LOCUSTA_ERR_GOODPUT', `invalid --goodput ${JSON.stringify(input)}: ${reason}`);
    this.input = input;
  }

  override get name(): string {
    return 'GoodputError';
  }
}

// vLLM spells the end-to-end bound `e2el`; both are accepted.
const METRICS: Record<string, keyof GoodputSpec> = { ttft: 'ttft', tpot: 'tpot', e2e: 'e2e', e2el: 'e2e' };

/**
 * Parses `ttft:500 tpot:50 e2e:10000` (milliseconds; items separated by spaces or commas, or
 * given as an array as a repeatable option gives them). Throws GoodputError.
 */
export function parseGoodput(input: string | readonly string[]): GoodputSpec {
  const text = typeof input === 'string' ? input : input.join(' ');
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  if (items.length === 0) throw new GoodputError(text, 'expected METRIC:MS items such as ttft:500 tpot:50 e2e:10000');
  const spec: GoodputSpec = {};
  for (const item of items) {
    const match = /^([a-z0-9]+):(.*)$/i.exec(item);
    if (!match) throw new GoodputError(text, `'${item}' is not METRIC:MS`);
    const metric = METRICS[match[1]!.toLowerCase()];
    if (metric === undefined) throw new GoodputError(text, `unknown metric '${match[1]}' (use ttft, tpot or e2e)`);
    const value = Number(match[2]);
    if (match[2]!.trim() === '' || !Number.isFinite(value) || value <= 0) {
      throw new GoodputError(text, `the bound of ${match[1]} must be a number of milliseconds > 0, got '${match[2]}'`);
    }
    if (spec[metric] !== undefined) throw new GoodputError(text, `${metric} is given twice`);
    spec[metric] = value;
  }
  return spec;
}

/**
 * True when the request meets every bound. A bound on a metric the request does not have
 * (TTFT and TPOT of a non-streamed request, TPOT of a one-token answer) is not held against it.
 */
export function meetsGoodput(spec: GoodputSpec, sample: GoodputSample): boolean {
  if (spec.e2e !== undefined && sample.e2e > spec.e2e) return false;
  if (spec.ttft !== undefined && sample.ttft !== undefined && sample.ttft > spec.ttft) return false;
  if (spec.tpot !== undefined && sample.tpot !== undefined && sample.tpot > spec.tpot) return false;
  return true;
}

/** `ttft:500 tpot:50 e2e:10000`, the form parseGoodput reads. */
export function formatGoodput(spec: GoodputSpec): string {
  return (['ttft', 'tpot', 'e2e'] as const)
    .filter((metric) => spec[metric] !== undefined)
    .map((metric) => `${metric}:${spec[metric]}`)
    .join(' ');
}
