import { readBuckets } from '@locusta/stats';
import type { LlmEntryData } from './llm-entry.ts';

// What the LLM statistics in a worker's report must hold before a master merges them: the same
// kind of checks the runner makes on the request statistics (types, ranges, integer counts,
// bucket encodings, and the counts that must add up), so a forged or broken report cannot put
// NaN or negative counts into the LLM table.

const HISTOGRAMS = ['ttft', 'answerTtft', 'itl', 'tpot', 'e2e', 'inputTokensPerRequest', 'outputTokensPerRequest', 'outputTokensPerSecond'] as const;
/** Histograms with at most one sample per successful request (ITL has one per gap). */
const PER_SUCCESS = ['ttft', 'answerTtft', 'tpot', 'inputTokensPerRequest', 'outputTokensPerRequest', 'outputTokensPerSecond'] as const;
const COUNTS = ['requests', 'successes', 'shed', 'retryAfter', 'failures', 'good'] as const;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= Number.MAX_VALUE;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

function checkEntry(v: unknown): string | undefined {
  if (!isObject(v)) return 'expected an object';
  if (typeof v['name'] !== 'string' || v['name'].length > 8192) return 'name: expected a string of at most 8192 characters';
  if (typeof v['model'] !== 'string' || v['model'].length > 1024) return 'model: expected a string of at most 1024 characters';
  for (const k of COUNTS) if (!isCount(v[k])) return `${k}: expected an integer >= 0`;
  const e = v as unknown as LlmEntryData;
  if (!isAmount(e.inputTokens) || !isAmount(e.outputTokens)) return 'inputTokens/outputTokens: expected numbers >= 0';
  if (!isAmount(e.reasoningTokens) || !isAmount(e.answerTokens)) return 'reasoningTokens/answerTokens: expected numbers >= 0';
  if (e.reasoningTokens + e.answerTokens > e.outputTokens) {
    return `reasoningTokens + answerTokens (${e.reasoningTokens + e.answerTokens}) is more than outputTokens (${e.outputTokens})`;
  }
  if (e.cachedTokens !== undefined && !isAmount(e.cachedTokens)) return 'cachedTokens: expected a number >= 0';
  if (e.usageChecked !== undefined || e.usageMismatches !== undefined) {
    if (!isCount(e.usageChecked) || !isCount(e.usageMismatches)) return 'usageChecked/usageMismatches: expected integers >= 0';
    if (e.usageMismatches > e.usageChecked) return `usageMismatches ${e.usageMismatches} > usageChecked ${e.usageChecked}`;
    if (e.usageChecked > e.successes) return `usageChecked ${e.usageChecked} > successes ${e.successes}`;
  }
  if (e.successes + e.shed + e.failures !== e.requests) return `successes + shed + failures (${e.successes + e.shed + e.failures}) is not requests (${e.requests})`;
  if (e.good > e.successes) return `good ${e.good} > successes ${e.successes}`;
  if (e.retryAfter > e.shed) return `retryAfter ${e.retryAfter} > shed ${e.shed}`;
  if (!isObject(e.sources) || !isCount(e.sources.usage) || !isCount(e.sources.chunks) || !isCount(e.sources.none)) return 'sources: expected usage, chunks and none counts';
  if (e.sources.usage + e.sources.chunks + e.sources.none !== e.successes) return 'sources do not add up to successes';
  for (const k of ['firstStart', 'lastEnd'] as const) if (e[k] !== null && !isAmount(e[k])) return `${k}: expected null or a number >= 0`;
  if ((e.requests === 0) !== (e.firstStart === null)) return 'firstStart must be set exactly when there are requests';
  let ttftSamples = 0;
  for (const k of HISTOGRAMS) {
    const read = readBuckets(e[k]);
    if (typeof read === 'string') return `${k}: ${read}`;
    if (k === 'ttft') ttftSamples = read.total;
    // A request with an answer chunk had an output chunk first (HISTOGRAMS lists ttft before it).
    if (k === 'answerTtft' && read.total > ttftSamples) return `answerTtft holds ${read.total} samples, more than ttft ${ttftSamples}`;
    if (k === 'e2e' && read.total !== e.successes) return `e2e holds ${read.total} samples, not successes ${e.successes}`;
    if ((PER_SUCCESS as readonly string[]).includes(k) && read.total > e.successes) return `${k} holds ${read.total} samples, more than successes ${e.successes}`;
  }
  const perSecond: unknown = e.perSecond;
  if (perSecond === undefined) return undefined;
  if (!Array.isArray(perSecond) || perSecond.length > 1_000_000) return 'perSecond: expected an array of at most 1000000';
  let requests = 0;
  let shed = 0;
  for (const row of perSecond as unknown[]) {
    if (!Array.isArray(row) || row.length !== 4 || !isCount(row[0]) || !isCount(row[1]) || !isCount(row[2]) || !isAmount(row[3])) {
      return 'perSecond: expected [second, requests, shed, outputTokens] rows of numbers >= 0';
    }
    requests += row[1] as number;
    shed += row[2] as number;
  }
  if (requests !== e.requests || shed !== e.shed) return 'perSecond does not add up to requests and shed';
  return undefined;
}

/** Why the LLM statistics of a report are invalid, or undefined when a master may merge them. */
export function checkLlmReport(v: unknown): string | undefined {
  if (!isObject(v)) return 'expected an object';
  if (!Array.isArray(v['entries']) || v['entries'].length > 10_000) return 'entries: expected an array of at most 10000';
  const entries = v['entries'] as unknown[];
  for (let i = 0; i < entries.length; i++) {
    const why = checkEntry(entries[i]);
    if (why !== undefined) return `entries[${i}].${why}`;
  }
  const why = checkEntry(v['total']);
  return why === undefined ? undefined : `total.${why}`;
}
