import { describe, expect, it } from 'vitest';
import { RequestStats } from './request-stats.ts';
import { SloError } from './slo-error.ts';
import { checkSlos, evaluateSlo, formatSlo, formatSloTable, parseSlo, parseSlos } from './slo.ts';
import { takeMark, windowSince } from './stats-window.ts';

const T = 1_700_000_000;

function clockAt(t: number): { clock: () => number; set: (t: number) => void } {
  let now = t;
  return { clock: () => now, set: (v) => (now = v) };
}

function thrown(text: string): SloError {
  try {
    parseSlo(text);
  } catch (err) {
    if (err instanceof SloError) return err;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

describe('parseSlo', () => {
  it('reads METRIC OP NUMBER with optional spaces around OP', () => {
    expect(parseSlo('p99<300')).toEqual({ target: null, metric: 'percentile', percentile: 99, op: '<', threshold: 300 });
    expect(parseSlo('  p99.9  >=  2.5 ')).toEqual({ target: null, metric: 'percentile', percentile: 99.9, op: '>=', threshold: 2.5 });
    expect(parseSlo('p100<=5000').percentile).toBe(100);
    expect(parseSlo('P50 > 1').percentile).toBe(50);
    for (const m of ['avg', 'min', 'max', 'median', 'fail_ratio', 'rps', 'fail_rps', 'requests'] as const) {
      expect(parseSlo(`${m}<1`)).toEqual({ target: null, metric: m, percentile: null, op: '<', threshold: 1 });
    }
  });

  it('accepts ms/s on response times and % on fail_ratio', () => {
    expect(parseSlo('p95<2s').threshold).toBe(2000);
    expect(parseSlo('avg < 250ms').threshold).toBe(250);
    expect(parseSlo('fail_ratio<1%').threshold).toBe(0.01);
  });

  it('splits NAME at the last colon followed by an expression (URLs keep their colons)', () => {
    expect(parseSlo('/api/users:p95<500').target).toBe('/api/users');
    expect(parseSlo('GET /api:p99 <= 300')).toMatchObject({ target: 'GET /api', percentile: 99, op: '<=' });
    expect(parseSlo('http://x:8080/a:fail_ratio<0.01')).toMatchObject({ target: 'http://x:8080/a', metric: 'fail_ratio' });
    expect(parseSlo('GET http://x:8080/a?b>1:rps>=5')).toMatchObject({ target: 'GET http://x:8080/a?b>1', metric: 'rps' });
  });

  it('formatSlo is canonical and parses back', () => {
    for (const [text, canonical] of [
      ['p99<300', 'p99<300'],
      [' p99.90 >= 2s', 'p99.9>=2000'],
      ['GET /api : avg<=1.5', 'GET /api:avg<=1.5'],
      ['http://x:8080/a:fail_ratio < 1%', 'http://x:8080/a:fail_ratio<0.01'],
      ['p05>0.25', 'p5>0.25'],
    ] as const) {
      expect(formatSlo(parseSlo(text))).toBe(canonical);
      expect(parseSlo(canonical)).toEqual(parseSlo(text));
    }
  });

  it('rejects bad input with a one-line SloError carrying a code', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty'],
      ['p99', 'missing comparison'],
      ['p101<3', 'above p100'],
      ['latency<3', 'unknown metric "latency"'],
      ['p99=300', 'unsupported comparison "="'],
      ['p99 != 300', 'unsupported comparison "!="'],
      ['p99<fast', 'expected a number after "<", got "fast"'],
      ['p99<-3', 'expected a number'],
      [':p99<3', 'empty name before ":"'],
      ['rps>3ms', 'unit "ms" only applies to response times'],
      ['avg<3%', '"%" only applies to fail_ratio'],
      ['/a:p99', 'missing comparison'],
      ['GET /a p99<3', 'unknown metric "GET"'],
    ];
    for (const [text, reason] of cases) {
      const err = thrown(text);
      expect(err.code).toBe('LOCUSTA_ERR_SLO');
      expect(err.name).toBe('SloError');
      expect(err.input).toBe(text);
      expect(err.message).toContain(`invalid SLO ${JSON.stringify(text)}: `);
      expect(err.message).toContain(reason);
      expect(err.message).not.toContain('\n');
      // Recognised by @locusta/core's LocustaError (instanceof goes by this global brand).
      expect(Symbol.for('locusta.error') in err).toBe(true);
    }
  });

  it('parseSlos reads a ;-separated list', () => {
    expect(parseSlos('p99<300; /a:avg<50 ;;').map(formatSlo)).toEqual(['p99<300', '/a:avg<50']);
    expect(() => parseSlos(' ; ')).toThrow(SloError);
  });
});

describe('evaluateSlo', () => {
  function fixture() {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    c.set(T + 10);
    for (let i = 1; i <= 100; i++) stats.logRequest('GET', '/a', i, 0);
    for (let i = 1; i <= 100; i++) stats.logRequest('POST', '/a', 1000 + i, 0);
    for (let i = 0; i < 4; i++) stats.logError('POST', '/a', 'boom');
    stats.logRequest('GET', '/b', null, 0);
    return { stats, c };
  }

  it('measures Aggregated when no name is given', () => {
    const { stats } = fixture();
    expect(evaluateSlo(parseSlo('requests>=201'), stats)).toEqual({ value: 201, pass: true });
    expect(evaluateSlo(parseSlo('max<=1100'), stats)).toEqual({ value: 1100, pass: true });
    expect(evaluateSlo(parseSlo('min>1'), stats)).toEqual({ value: 1, pass: false });
    expect(evaluateSlo(parseSlo('p100<1100'), stats)).toEqual({ value: 1100, pass: false });
    expect(evaluateSlo(parseSlo('p0>=1'), stats).value).toBe(1);
    expect(evaluateSlo(parseSlo('p50<100'), stats).value).toBe(stats.total.getResponseTimePercentile(0.5));
    expect(evaluateSlo(parseSlo('median<100'), stats).value).toBe(stats.total.medianResponseTime);
    expect(evaluateSlo(parseSlo('avg<600'), stats).value).toBe(stats.total.avgResponseTime);
    expect(evaluateSlo(parseSlo('fail_ratio<0.05'), stats).value).toBeCloseTo(4 / 201, 12);
    // The cumulative rates are Locust's total_rps: over start .. last request (10 s here).
    expect(evaluateSlo(parseSlo('rps>=20'), stats)).toEqual({ value: 20.1, pass: true });
    expect(evaluateSlo(parseSlo('fail_rps<1'), stats)).toEqual({ value: 0.4, pass: true });
    expect(evaluateSlo(parseSlo('Aggregated:requests>=201'), stats).value).toBe(201);
  });

  it('merges every method of a name, or takes METHOD name', () => {
    const { stats } = fixture();
    expect(evaluateSlo(parseSlo('/a:requests>0'), stats).value).toBe(200);
    expect(evaluateSlo(parseSlo('/a:max<2000'), stats).value).toBe(1100);
    expect(evaluateSlo(parseSlo('/a:min<2000'), stats).value).toBe(1);
    expect(evaluateSlo(parseSlo('/a:fail_ratio<0.01'), stats)).toEqual({ value: 0.02, pass: false });
    const p50 = evaluateSlo(parseSlo('/a:p50<2000'), stats).value ?? 0;
    expect(Math.abs(p50 - 100) / 100).toBeLessThan(0.001);
    expect(evaluateSlo(parseSlo('GET /a:p99<=99'), stats)).toEqual({ value: stats.get('/a', 'GET')?.getResponseTimePercentile(0.99), pass: true });
    expect(evaluateSlo(parseSlo('POST /a:requests>=100'), stats).value).toBe(100);
  });

  it('no data: response times and fail_ratio pass with value null; counts and rates are 0', () => {
    const { stats } = fixture();
    expect(evaluateSlo(parseSlo('/missing:p99<1'), stats)).toEqual({ value: null, pass: true });
    expect(evaluateSlo(parseSlo('/missing:fail_ratio<0.01'), stats)).toEqual({ value: null, pass: true });
    expect(evaluateSlo(parseSlo('/missing:requests>0'), stats)).toEqual({ value: 0, pass: false });
    expect(evaluateSlo(parseSlo('/missing:rps>1'), stats)).toEqual({ value: 0, pass: false });
    // /b only has a request without a response time.
    expect(evaluateSlo(parseSlo('/b:avg<1'), stats)).toEqual({ value: null, pass: true });
    expect(evaluateSlo(parseSlo('/b:fail_ratio<=0'), stats)).toEqual({ value: 0, pass: true });
    const empty = new RequestStats({ clock: clockAt(T).clock });
    expect(evaluateSlo(parseSlo('p99<1'), empty)).toEqual({ value: null, pass: true });
    expect(evaluateSlo(parseSlo('rps>0'), empty)).toEqual({ value: 0, pass: false });
  });

  it('judges a window on its own requests', () => {
    const { stats, c } = fixture();
    const mark = takeMark(stats);
    for (let i = 0; i < 50; i++) stats.logRequest('GET', '/a', 5000, 0);
    c.set(T + 15);
    const w = windowSince(stats, mark);
    // Within the histogram's precision: the window's min is not an exact cumulative extreme.
    const p50 = evaluateSlo(parseSlo('p50<1000'), w);
    expect(p50.pass).toBe(false);
    expect(Math.abs((p50.value ?? 0) - 5000) / 5000).toBeLessThan(0.001);
    expect(evaluateSlo(parseSlo('max<=5000'), w)).toEqual({ value: 5000, pass: true });
    expect(evaluateSlo(parseSlo('rps>=10'), w)).toEqual({ value: 10, pass: true });
    expect(evaluateSlo(parseSlo('/a:requests>=50'), w).value).toBe(50);
    expect(evaluateSlo(parseSlo('POST /a:p99<1'), w)).toEqual({ value: null, pass: true });
    expect(evaluateSlo(parseSlo('fail_ratio<=0'), w)).toEqual({ value: 0, pass: true });
  });
});

describe('formatSloTable', () => {
  it('aligns SLO, value and result like Locust tables', () => {
    const c = clockAt(T);
    const stats = new RequestStats({ clock: c.clock });
    c.set(T + 2);
    for (const rt of [100, 200, 300, 400]) stats.logRequest('GET', '/a', rt, 0);
    stats.logError('GET', '/a', 'x');
    const results = checkSlos(parseSlos('p100<350; GET /a:avg<=250; fail_ratio<1%; rps>=2; requests>3; /none:p99<1'), stats);
    expect(formatSloTable(results)).toBe(
      [
        'SLO                  Value Result',
        '---------------|----------|------',
        'p100<350            400 ms FAIL',
        'GET /a:avg<=250     250 ms PASS',
        'fail_ratio<0.01     0.2500 FAIL',
        'rps>=2              2.00/s PASS',
        'requests>3               4 PASS',
        '/none:p99<1        no data PASS',
        '---------------|----------|------',
        'SLOs failed: 2 of 6',
        '',
        '',
      ].join('\n'),
    );
  });
});
