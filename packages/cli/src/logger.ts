import { appendFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import type { Logger } from '@locusta/core';
import { messageOf } from '@locusta/core';
import pino from 'pino';

const LEVELS: Record<string, pino.Level> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARNING: 'warn',
  WARN: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
};
const LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARNING', 50: 'ERROR', 60: 'CRITICAL' };

function pinoLevel(loglevel: string): pino.Level | undefined {
  return LEVELS[loglevel.toUpperCase()];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Locust's log line: `[2026-11-28 13:37:39,099] host/INFO/locusta.main: message`. */
function formatLine(record: { time: number; level: number; name?: string; msg?: string }, host: string): string {
  const d = new Date(record.time);
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
  return `[${stamp}] ${host}/${LABELS[record.level] ?? record.level}/${record.name ?? 'locusta'}: ${record.msg ?? ''}\n`;
}

/**
 * pino writes JSON records into this stream; it prints them as Locust's text lines,
 * synchronously, so log lines and stats tables keep their order on stderr. With
 * `LOCUSTA_LOG_FORMAT=json` the records are written as pino's JSON instead.
 */
function lineStream(logfile: string | undefined, json: boolean, taps: Array<(line: string) => void>): Writable {
  const host = hostname().split('.')[0] ?? 'localhost';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString();
      const out = json ? text : formatLine(JSON.parse(text) as { time: number; level: number; name?: string; msg?: string }, host);
      if (logfile) {
        try {
          appendFileSync(logfile, out);
        } catch (err) {
          // The file was checked before the run; if it fails since, the lines go on to stderr.
          writeSync(2, `locusta: error: could not write the log file ${logfile}: ${messageOf(err)}; logging to stderr from now on\n`);
          logfile = undefined;
          writeSync(2, out);
        }
      } else writeSync(2, out);
      for (const tap of taps) tap(out.trimEnd());
      done();
    },
  });
}

export interface RootLogger {
  root: pino.Logger;
  /** A child logger named like Locust's modules (`locusta.main`, `locusta.runners`). */
  named(name: string): Logger;
  /** Also hands every written line to `tap` (the web UI's log view). */
  tap(tap: (line: string) => void): void;
}

export function createLogger(options: { loglevel: string; logfile?: string }): RootLogger {
  const level = pinoLevel(options.loglevel) ?? 'info';
  const json = process.env['LOCUSTA_LOG_FORMAT'] === 'json';
  const taps: Array<(line: string) => void> = [];
  const root = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.epochTime }, lineStream(options.logfile, json, taps));
  return {
    root,
    tap: (tap) => void taps.push(tap),
    named(name: string): Logger {
      const child = root.child({ name });
      return {
        debug: (m) => child.debug(m),
        info: (m) => child.info(m),
        warn: (m) => child.warn(m),
        error: (m) => child.error(m),
      };
    },
  };
}
