import { describe, expect, it } from 'vitest';
import { formatErrorReport, formatPercentilesTable, formatStatsTable } from './console-report.ts';
import {
  EXCEPTIONS_CSV_HEADER,
  FAILURES_CSV_HEADER,
  HISTORY_CSV_HEADER,
  STATS_CSV_HEADER,
  exceptionsCsv,
  failuresCsv,
  historyCsvHeader,
  historyCsvRows,
  statsCsv,
} from './csv-report.ts';
import { ExceptionStats } from './exception-stats.ts';
import { formatStatsJson, statsJson } from './json-report.ts';
import { RequestStats } from './request-stats.ts';

const T = 1_700_000_000;

function clockAt(t: number): { clock: () => number; set: (t: number) => void } {
  let now = t;
  return { clock: () => now, set: (v) => (now = v) };
}

/** GET /a: 100, 110, 120, 130 ms and one failure, 2 s after the start. */
function fixture() {
  const c = clockAt(T);
  const stats = new RequestStats({ clock: c.clock });
  c.set(T + 2);
  for (const rt of [100, 110, 120, 130]) stats.logRequest('GET', '/a', rt, 10);
  stats.logError('GET', '/a', new Error('boom'));
  return { stats, c };
}

describe('console tables', () => {
  // Lines copied from Locust's own console output (reference/locust-2.12-output/console.txt).
  it('an empty table matches Locust byte for byte', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    expect(formatStatsTable(stats)).toBe(
      [
        'Type     Name                                                                          # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s',
        '--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------',
        '--------|----------------------------------------------------------------------------|-------|-------------|-------|-------|-------|-------|--------|-----------',
        '         Aggregated                                                                         0     0(0.00%) |      0       0       0      0 |    0.00        0.00',
        '',
        '',
      ].join('\n'),
    );
  });

  it('the percentile table and error report headers match Locust', () => {
    const { stats } = fixture();
    const pct = formatPercentilesTable(stats).split('\n');
    expect(pct[0]).toBe('Response time percentiles (HdrHistogram, within 0.1%)');
    expect(pct[1]).toBe(
      'Type     Name                                                                                  50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs',
    );
    expect(pct[2]).toBe(
      '--------|--------------------------------------------------------------------------------|--------|------|------|------|------|------|------|------|------|------|------|------',
    );
    const report = formatErrorReport(stats).split('\n');
    expect(report[1]).toBe('# occurrences      Error                                                                                               ');
    expect(report[2]).toBe(
      '------------------|---------------------------------------------------------------------------------------------------------------------------------------------',
    );
  });

  it('rows: final table with total rates, then percentiles and errors (name width 20)', () => {
    const { stats } = fixture();
    expect(formatStatsTable(stats, { current: false, nameWidth: 20 })).toBe(
      'Type     Name              # reqs      # fails |    Avg     Min     Max    Med |   req/s  failures/s\n' +
        '--------|----------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n' +
        'GET      /a                     4    1(25.00%) |    115     100     130    110 |    2.00        0.50\n' +
        '--------|----------------|-------|-------------|-------|-------|-------|-------|--------|-----------\n' +
        '         Aggregated             4    1(25.00%) |    115     100     130    110 |    2.00        0.50\n' +
        '\n',
    );
    expect(formatPercentilesTable(stats, { nameWidth: 20 })).toBe(
      'Response time percentiles (HdrHistogram, within 0.1%)\n' +
        'Type     Name                      50%    66%    75%    80%    90%    95%    98%    99%  99.9% 99.99%   100% # reqs\n' +
        '--------|--------------------|--------|------|------|------|------|------|------|------|------|------|------|------\n' +
        'GET      /a                        110    120    120    130    130    130    130    130    130    130    130      4\n' +
        '--------|--------------------|--------|------|------|------|------|------|------|------|------|------|------|------\n' +
        '         Aggregated                110    120    120    130    130    130    130    130    130    130    130      4\n' +
        '\n',
    );
    expect(formatErrorReport(stats, { nameWidth: 20 })).toBe(
      'Error report\n' +
        `# occurrences      ${'Error'.padEnd(100)}\n` +
        `${'-'.repeat(18)}|${'-'.repeat(81)}\n` +
        `1                  ${"GET /a: Error('boom')".padEnd(100)}\n` +
        `${'-'.repeat(18)}|${'-'.repeat(81)}\n` +
        '\n',
    );
  });

  it('the periodic table shows current rates; no errors, no report', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    c.set(T + 0.5);
    for (let i = 0; i < 9; i++) stats.logRequest('GET', '/', 10.9, 0);
    stats.total.lastRequestTimestamp = T + 4;
    const row = formatStatsTable(stats, { nameWidth: 20 }).split('\n')[2];
    expect(row).toBe('GET      /                      9     0(0.00%) |     10      10      11     11 |    4.50        0.00');
    expect(formatErrorReport(stats)).toBe('');
    const empty = formatPercentilesTable(new RequestStats(), { nameWidth: 20 }).split('\n');
    expect(empty).toHaveLength(6); // title, header, 2 separators, blank line, trailing ''
  });
});

describe('console tables with many entries', () => {
  /** 150 entries; /n/i gets i + 1 requests, and errors of 150 kinds. */
  function many() {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    for (let i = 0; i < 150; i++) {
      for (let k = 0; k <= i; k++) stats.logRequest('GET', `/n/${i}`, 5, 0);
      stats.logError('GET', `/n/${i}`, new Error(`e${i}`));
    }
    return stats;
  }

  it('show the 100 busiest entries, say how many more there are, and always Aggregated', () => {
    const stats = many();
    for (const table of [formatStatsTable(stats, { nameWidth: 20 }), formatPercentilesTable(stats, { nameWidth: 20 })]) {
      const lines = table.split('\n');
      const rows = lines.filter((l) => l.startsWith('GET '));
      expect(rows).toHaveLength(100);
      expect(rows[0]).toContain('/n/149');
      expect(rows.some((l) => /\/n\/49\s/.test(l))).toBe(false);
      expect(table).toContain('... and 50 more entries (only the 100 with the most requests are listed; every entry is in the --csv files)');
      expect(lines.some((l) => /^\s+Aggregated\s+.*11325/.test(l))).toBe(true);
    }
    const errors = formatErrorReport(stats, { nameWidth: 20 }).split('\n');
    expect(errors.filter((l) => /^1\s+GET/.test(l))).toHaveLength(100);
    expect(errors.join('\n')).toContain('... and 50 more errors (only the 100 most frequent are listed; every error is in the --csv files)');
  });

  it('a table of 100 entries or fewer is whole, in name order', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    for (let i = 0; i < 100; i++) stats.logRequest('GET', `/n/${i}`, 5, 0);
    const table = formatStatsTable(stats, { nameWidth: 20 });
    expect(table.split('\n').filter((l) => l.startsWith('GET '))).toHaveLength(100);
    expect(table).not.toContain('more entries');
  });
});

describe('100% is the max', () => {
  it('the console 100% column, the Max column and the CSV agree for times with fractions', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    for (const rt of [3.2, 7.5, 10.9]) stats.logRequest('GET', '/a', rt, 0);
    const row = formatStatsTable(stats, { current: false, nameWidth: 20 }).split('\n')[2] ?? '';
    const max = row.split('|')[1]?.trim().split(/\s+/)[2];
    const pctRow = formatPercentilesTable(stats, { nameWidth: 20 }).split('\n')[3] ?? '';
    const p100 = pctRow.trim().split(/\s+/).at(-2);
    expect(max).toBe('11');
    expect(p100).toBe(max);
    const csv = statsCsv(stats).split('\r\n')[1]?.split(',') ?? [];
    expect(csv[7]).toBe('10.9');
    expect(csv.at(-1)).toBe('11');
  });
});

describe('CSV', () => {
  it('headers are exactly Locust 2.46\'s', () => {
    expect(STATS_CSV_HEADER.join(',')).toBe(
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    );
    expect(HISTORY_CSV_HEADER.join(',')).toBe(
      'Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size',
    );
    expect(FAILURES_CSV_HEADER.join(',')).toBe('Method,Name,Error,Occurrences,First Seen,Last Seen');
    expect(EXCEPTIONS_CSV_HEADER.join(',')).toBe('Count,Message,Traceback,Nodes');
    expect(historyCsvHeader()).toBe(`${HISTORY_CSV_HEADER.join(',')}\r\n`);
  });

  it('stats rows: python floats, ints, N/A, quoting, \\r\\n (test_requests_csv_quote_escaping)', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    const weird = '{"scenario": "get cashes", "path": "/cash/[amount]", "arguments": [{"size": 1}]}';
    c.set(T + 4);
    stats.logRequest('GET', weird, 100, 23455);
    stats.logRequest('GET', weird, 0.8575610002026224, 23455);
    stats.logError('POST', '/only-failed', 'x');
    expect(statsCsv(stats).split('\r\n')).toEqual([
      STATS_CSV_HEADER.join(','),
      'POST,/only-failed,0,1,0,0.0,0,0,0,0.0,0.25,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A',
      `GET,"${weird.replaceAll('"', '""')}",2,0,1,50.42878050010131,0.8575610002026224,100,23455.0,0.5,0.0,1,100,100,100,100,100,100,100,100,100,100`,
      ',Aggregated,2,1,1,50.42878050010131,0.8575610002026224,100,23455.0,0.5,0.25,1,100,100,100,100,100,100,100,100,100,100',
      '',
    ]);
  });

  it('failures and exceptions', () => {
    const { stats, c } = fixture();
    c.set(T + 65.9);
    stats.logError('GET', '/a', new Error('boom'));
    stats.logError('GET', '/b', 'He said "no", twice');
    const rows = failuresCsv(stats).split('\r\n');
    expect(rows[0]).toBe('Method,Name,Error,Occurrences,First Seen,Last Seen');
    expect(rows.slice(1, -1).sort()).toEqual([
      'GET,/a,Error(\'boom\'),2,2023-11-14T22:13:22Z,2023-11-14T22:14:25Z',
      'GET,/b,"He said ""no"", twice",1,2023-11-14T22:14:25Z,2023-11-14T22:14:25Z',
    ]);
    const exceptions = new ExceptionStats();
    exceptions.log('ZeroDivisionError: x', 'Traceback:\n  line 1', 'local');
    exceptions.log('ZeroDivisionError: x', 'Traceback:\n  line 1', 'worker-2');
    expect(exceptionsCsv(exceptions)).toBe(
      'Count,Message,Traceback,Nodes\r\n2,ZeroDivisionError: x,"Traceback:\n  line 1","local, worker-2"\r\n',
    );
  });

  it('history: default is Aggregated only with cumulative percentiles (test_csv_stats_writer)', () => {
    const c = clockAt(T + 0.5);
    const stats = new RequestStats({ clock: c.clock });
    expect(historyCsvRows(stats, { userCount: 0, fullHistory: false, timestamp: T + 0.9 })).toBe(
      `${T},0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\r\n`,
    );
    for (let i = 0; i < 10; i++) stats.logRequest('GET', '/', 100, 0);
    c.set(T + 11.5);
    const row = historyCsvRows(stats, { userCount: 5, fullHistory: false, timestamp: T + 11 });
    expect(row.split('\r\n')).toHaveLength(2);
    expect(row).toBe(`${T + 11},5,,Aggregated,0.000000,0.000000,100,100,100,100,100,100,100,100,100,100,100,10,0,100,100.0,100,100,0.0\r\n`);
  });

  it('full history: a row per entry then Aggregated, with window percentiles (test_csv_stats_writer_full_history)', () => {
    const c = clockAt(T + 0.5);
    const stats = new RequestStats({ clock: c.clock, windowedEntries: true });
    for (let i = 0; i < 10; i++) stats.logRequest('GET', '/', 100, 0);
    c.set(T + 1.5);
    const first = historyCsvRows(stats, { userCount: 1, fullHistory: true }).split('\r\n');
    expect(first.map((r) => r.split(',')[3])).toEqual(['/', 'Aggregated', undefined]);
    expect(first.map((r) => r.split(',')[11])).toEqual(['100', '100', undefined]); // 95%
    c.set(T + 11.5);
    for (let i = 0; i < 10; i++) stats.logRequest('GET', '/', 10, 0);
    c.set(T + 12.5);
    const later = historyCsvRows(stats, { userCount: 2, fullHistory: true, timestamp: T + 12 }).split('\r\n');
    expect(later.map((r) => r.split(',')[11])).toEqual(['10', '10', undefined]);
    expect(later.map((r) => r.split(',')[17])).toEqual(['20', '20', undefined]); // Total Request Count
    expect(later[0]?.startsWith(`${T + 12},2,GET,/,`)).toBe(true);
    // the percentile columns are the window's, the Total columns cumulative (Locust #1430/#2377)
    expect(later[0]?.split(',')[6]).toBe('10');
    expect(later[0]?.split(',')[16]).toBe('10');
    expect(later[0]?.split(',').slice(18, 24)).toEqual(['0', '10', '55.0', '10', '100', '0.0']);
  });
});

describe('--json', () => {
  it('lists entries with requests or failures, Locust keys and bucketing, without resetting', () => {
    const c = clockAt(T + 0.5);
    const stats = new RequestStats({ clock: c.clock });
    for (const rt of [1.4, 1.5, 147, 3432, 58760]) stats.logRequest('GET', '/b', rt, 2);
    stats.logError('POST', '/a', 'x');
    stats.logRequest('GET', '/idle', null, 0);
    stats.reset();
    c.set(T + 2.5);
    for (const rt of [1.4, 1.5, 147, 3432, 58760]) stats.logRequest('GET', '/b', rt, 2);
    stats.logError('POST', '/a', 'x');
    const json = statsJson(stats);
    expect(json.map((e) => e.name)).toEqual(['/b', '/a']);
    expect(Object.keys(json[0]!)).toEqual([
      'name', 'method', 'last_request_timestamp', 'start_time', 'num_requests', 'num_none_requests', 'num_failures',
      'total_response_time', 'max_response_time', 'min_response_time', 'total_content_length', 'response_times',
      'num_reqs_per_sec', 'num_fail_per_sec',
    ]);
    expect(json[0]!.response_times).toEqual({ 1: 1, 2: 1, 150: 1, 3400: 1, 59000: 1 });
    expect(json[0]!.num_reqs_per_sec).toEqual({ [T + 2]: 5 });
    expect(json[1]!.num_fail_per_sec).toEqual({ [T + 2]: 1 });
    expect(statsJson(stats)).toEqual(json); // nothing was reset
    const text = formatStatsJson(stats);
    expect(text).toContain('\n        "start_time": 1700000000.5,\n');
    expect(text).toContain('"max_response_time": 58760.0,');
    expect(text).toContain('"min_response_time": null,');
    expect(text).toContain('"total_response_time": 0,');
    expect(text).toContain('"num_reqs_per_sec": {},');
    expect(JSON.parse(text)).toEqual(json);
  });
});

describe('min and max as Locust writes them', () => {
  it('a time logged as a whole number is an int (35), a measured one a float (35.5)', () => {
    const stats = new RequestStats({ clock: clockAt(T).clock });
    stats.logRequest('GET', '/int', 35, 0);
    stats.logRequest('GET', '/int', 40, 0);
    stats.logRequest('GET', '/float', 35.5, 0);
    stats.logRequest('GET', '/float', 40.25, 0);
    const rows = statsCsv(stats).split('\r\n');
    const fields = (name: string) => rows.find((r) => r.split(',')[1] === name)?.split(',') ?? [];
    expect(fields('/int').slice(6, 8)).toEqual(['35', '40']);
    expect(fields('/float').slice(6, 8)).toEqual(['35.5', '40.25']);
  });
});
