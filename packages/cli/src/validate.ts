import { parseTimespan } from '@locusta/core';
import { usageError } from './errors.ts';

/** The run settings, checked; each bad value is a one-line usage error. */
export interface RunSettings {
  users: number;
  spawnRate: number;
  runTime: number | undefined;
  stopTimeout: number;
  host: string | undefined;
}

function timespan(value: unknown, flag: string): number {
  try {
    return parseTimespan(String(value));
  } catch (err) {
    throw usageError(`argument ${flag}: ${(err as Error).message}`);
  }
}

export function checkHost(host: string, flag = '-H/--host'): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw usageError(`argument ${flag}: Invalid host '${host}': expected a URL such as http://127.0.0.1:8000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`argument ${flag}: Invalid host '${host}': the scheme must be http or https`);
  }
  return host.replace(/\/+$/, '');
}

export function validateOptions(o: Record<string, unknown>): RunSettings {
  if (o['csvFullHistory'] && !o['csv']) throw usageError("'--csv-full-history' requires '--csv'.");
  if (o['master'] && o['worker']) throw usageError('--master and --worker cannot be combined');
  if (o['master'] && !(Number(o['expectWorkers']) >= 1)) throw usageError(`argument --expect-workers: must be >= 1, got '${String(o['expectWorkers'])}'`);
  if (o['processes'] !== undefined && o['master']) throw usageError('--processes cannot be combined with --master');
  if (o['html']) throw usageError('--html is not available yet: HTML reports come in a later release');
  const users = o['users'] === undefined ? 1 : Number(o['users']);
  if (!Number.isInteger(users) || users < 0) {
    throw usageError(`argument -u/--users: invalid value '${String(o['users'])}': must be a whole number >= 0`);
  }
  const spawnRate = o['spawnRate'] === undefined ? 1 : Number(o['spawnRate']);
  if (!(spawnRate > 0) || !Number.isFinite(spawnRate)) {
    throw usageError(`argument -r/--spawn-rate: invalid value '${String(o['spawnRate'])}': must be a number > 0`);
  }
  const runTime = o['runTime'] === undefined || o['runTime'] === '' ? undefined : timespan(o['runTime'], '-t/--run-time');
  const stopTimeout = timespan(o['stopTimeout'] ?? '0', '-s/--stop-timeout');
  const host = typeof o['host'] === 'string' && o['host'] !== '' ? checkHost(o['host']) : undefined;
  const level = String(o['loglevel'] ?? 'INFO').toUpperCase();
  if (!['DEBUG', 'INFO', 'WARNING', 'WARN', 'ERROR', 'CRITICAL'].includes(level)) {
    throw usageError(`argument -L/--loglevel: invalid choice '${String(o['loglevel'])}' (choose from DEBUG, INFO, WARNING, ERROR, CRITICAL)`);
  }
  return { users, spawnRate, runTime, stopTimeout, host };
}
