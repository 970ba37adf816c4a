import { MAX_USERS, camelCase } from '@locusta/core';
import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { OPTIONS } from './options.ts';
import { checkHost, validateOptions } from './validate.ts';

// The options as the parser hands them over: every default of the option table, then what the
// test sets. Only these helpers know the shape validateOptions takes.
type Options = Parameters<typeof validateOptions>[0];
const DEFAULTS = Object.fromEntries(OPTIONS.filter((o) => o.default !== undefined).map((o) => [camelCase(o.name), o.default]));

function options(values: Record<string, unknown> = {}): Options {
  return { ...DEFAULTS, ...values } as Options;
}

function settings(values: Record<string, unknown> = {}) {
  return validateOptions(options(values));
}

/** The message of the usage error (exit code 2) that `values` give; fails if they are accepted. */
function usageError(values: Record<string, unknown>): string {
  try {
    settings(values);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(2);
    return (err as CliError).message;
  }
  throw new Error(`accepted: ${JSON.stringify(values)}`);
}

describe('validateOptions: defaults', () => {
  it('runs one user at one per second, for ever, with no host of its own', () => {
    expect(settings()).toMatchObject({ users: 1, spawnRate: 1, runTime: undefined, stopTimeout: 0, host: undefined, arrivals: undefined, steps: undefined, slos: [], sloGrace: 0 });
  });
});

describe('validateOptions: users and spawn rate', () => {
  it('takes a whole number of users from 0 up to the limit', () => {
    expect(settings({ users: 0 }).users).toBe(0);
    expect(settings({ users: 25 }).users).toBe(25);
    expect(settings({ users: MAX_USERS }).users).toBe(MAX_USERS);
  });

  it.each([-1, 1.5, 'many', NaN])('refuses %s users, naming -u/--users and the value', (users) => {
    expect(usageError({ users })).toBe(`argument -u/--users: invalid value '${String(users)}': must be a whole number >= 0`);
  });

  it('refuses more users than a test may start', () => {
    expect(usageError({ users: MAX_USERS + 1 })).toBe(`argument -u/--users: invalid value '${MAX_USERS + 1}': at most ${MAX_USERS} users can be started`);
  });

  it('takes a fractional spawn rate', () => {
    expect(settings({ spawnRate: 0.5 }).spawnRate).toBe(0.5);
  });

  it.each([0, -2, Infinity, 'fast'])('refuses a spawn rate of %s', (spawnRate) => {
    expect(usageError({ spawnRate })).toBe(`argument -r/--spawn-rate: invalid value '${String(spawnRate)}': must be a number > 0`);
  });
});

describe('validateOptions: time spans', () => {
  it('reads -t as a time span, 0 or empty meaning no limit (as in Locust)', () => {
    expect(settings({ runTime: '1h30m' }).runTime).toBe(5400);
    expect(settings({ runTime: '90' }).runTime).toBe(90);
    expect(settings({ runTime: '0' }).runTime).toBeUndefined();
    expect(settings({ runTime: '' }).runTime).toBeUndefined();
  });

  it('names the option of a bad time span', () => {
    expect(usageError({ runTime: 'soon' })).toMatch(/^argument -t\/--run-time: /);
    expect(usageError({ stopTimeout: 'later' })).toMatch(/^argument -s\/--stop-timeout: /);
    expect(usageError({ sloGrace: '-' })).toMatch(/^argument --slo-grace: /);
  });

  it('reads the stop timeout and the SLO grace', () => {
    expect(settings({ stopTimeout: '10s', sloGrace: '1m' })).toMatchObject({ stopTimeout: 10, sloGrace: 60 });
  });
});

describe('validateOptions: host', () => {
  it('drops trailing slashes and treats an empty host as none', () => {
    expect(settings({ host: 'http://127.0.0.1:8080//' }).host).toBe('http://127.0.0.1:8080');
    expect(settings({ host: '' }).host).toBeUndefined();
  });

  it('refuses a host that is not an http(s) URL, naming -H/--host', () => {
    expect(usageError({ host: 'localhost:8000' })).toMatch(/^argument -H\/--host: Invalid host 'localhost:8000'/);
    expect(usageError({ host: 'ftp://files' })).toBe("argument -H/--host: Invalid host 'ftp://files': the scheme must be http or https");
  });

  it('checkHost names the flag it is given', () => {
    expect(() => checkHost('nohost', '--master-host')).toThrow(/^argument --master-host: /);
    expect(checkHost('https://a.test/')).toBe('https://a.test');
  });
});

describe('validateOptions: log level', () => {
  it("takes Locust's levels in any case, WARN as WARNING", () => {
    for (const loglevel of ['debug', 'INFO', 'Warning', 'WARN', 'error', 'CRITICAL']) expect(() => settings({ loglevel })).not.toThrow();
  });

  it('refuses another level and lists the choices', () => {
    expect(usageError({ loglevel: 'verbose' })).toBe("argument -L/--loglevel: invalid choice 'verbose' (choose from DEBUG, INFO, WARNING, ERROR, CRITICAL)");
  });
});

describe('validateOptions: options that cannot go together', () => {
  it('--csv-full-history needs --csv', () => {
    expect(usageError({ csvFullHistory: true })).toBe("'--csv-full-history' requires '--csv'.");
    expect(() => settings({ csvFullHistory: true, csv: 'out/run' })).not.toThrow();
  });

  it('--master and --worker exclude each other', () => {
    expect(usageError({ master: true, worker: true })).toBe('--master and --worker cannot be combined');
  });

  it('a master expects at least one worker', () => {
    expect(usageError({ master: true, expectWorkers: 0 })).toBe("argument --expect-workers: must be >= 1, got '0'");
    expect(() => settings({ master: true, expectWorkers: 2 })).not.toThrow();
  });

  it('--processes cannot be combined with --master', () => {
    expect(usageError({ master: true, processes: 2 })).toBe('--processes cannot be combined with --master');
    expect(() => settings({ processes: 2 })).not.toThrow();
  });
});

describe('validateOptions: SLOs', () => {
  it('reads every --slo, and several in one value separated by ;', () => {
    const { slos } = settings({ slo: ['p99<1000', 'fail_ratio<0.01;rps>5'] });
    expect(slos).toHaveLength(3);
  });

  it('names --slo in the error of a bad expression', () => {
    expect(usageError({ slo: ['p99<1000', 'p99 about 5'] })).toMatch(/^argument --slo: /);
  });
});

describe('validateOptions: arrival rate', () => {
  it('builds an even plan at the given rate, with a seed', () => {
    const { arrivals } = settings({ arrivalRate: 5, seed: 7 });
    expect(arrivals).toEqual({ rate: 5, stages: [], spacing: 'even', seed: 7 });
  });

  it('draws a whole-number seed when none is given', () => {
    expect(Number.isInteger(settings({ arrivalRate: 5 }).arrivals!.seed)).toBe(true);
  });

  it('gives arrivals enough users for 10 s tasks at the peak rate, at least 10, unless -u is given', () => {
    expect(settings({ arrivalRate: 0.5 }).users).toBe(10);
    expect(settings({ arrivalRate: 5 }).users).toBe(50);
    expect(settings({ arrivalStages: '30s:10,1m:50' }).users).toBe(500);
    expect(settings({ arrivalRate: 5, users: 3 }).users).toBe(3);
  });

  it('reads the stages and a poisson spacing', () => {
    const { arrivals } = settings({ arrivalStages: '30s:10, 1m:50', arrivalSpacing: 'poisson', seed: 1 });
    expect(arrivals).toEqual({ rate: 0, stages: [{ duration: 30, rate: 10 }, { duration: 60, rate: 50 }], spacing: 'poisson', seed: 1 });
  });

  it('refuses a bad rate, stage, spacing or seed, naming the option', () => {
    expect(usageError({ arrivalRate: -1 })).toBe("argument --arrival-rate: invalid value '-1': must be a number >= 0");
    expect(usageError({ arrivalStages: '30s' })).toMatch(/^argument --arrival-stages: invalid arrival stage '30s'/);
    expect(usageError({ arrivalRate: 1, arrivalSpacing: 'random' })).toBe("argument --arrival-spacing: invalid choice 'random' (choose from even, poisson)");
    expect(usageError({ arrivalRate: 1, seed: 1.5 })).toBe("argument --seed: invalid value '1.5': must be a whole number");
  });

  it('refuses a plan whose rate is never above 0', () => {
    expect(usageError({ arrivalRate: 0 })).toBe('argument --arrival-rate: the rate must be > 0 at some point');
    expect(usageError({ arrivalStages: '10s:0' })).toBe('argument --arrival-rate: the rate must be > 0 at some point');
  });
});

describe('validateOptions: burstiness', () => {
  it('makes the spacing gamma of that shape', () => {
    expect(settings({ arrivalRate: 5, burstiness: 0.5, seed: 3 }).arrivals).toEqual({ rate: 5, stages: [], spacing: 'gamma', burstiness: 0.5, seed: 3 });
    expect(settings({ sweep: 3, users: 8, burstiness: 2, seed: 3 }).sweep!.spacing).toEqual({ spacing: 'gamma', burstiness: 2, seed: 3 });
  });

  it('refuses a shape that is not > 0, a second spacing, and a run without arrivals', () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(usageError({ arrivalRate: 5, burstiness: bad })).toBe(`argument --burstiness: invalid value '${bad}': must be a number > 0 (1 is Poisson)`);
    }
    expect(usageError({ arrivalRate: 5, burstiness: 2, arrivalSpacing: 'poisson' })).toMatch(/^argument --burstiness: cannot be combined with --arrival-spacing poisson/);
    expect(usageError({ burstiness: 2 })).toMatch(/^argument --burstiness: needs --arrival-rate, --arrival-stages or --sweep/);
  });
});

describe('validateOptions: rate sweep', () => {
  it('reads the rates, the time per point and the drain', () => {
    expect(settings({ sweep: 4, users: 16, sweepTime: '10s', seed: 1 }).sweep).toEqual({ rates: 4, time: 10, drain: undefined, spacing: { spacing: 'even', seed: 1 } });
    expect(settings({ sweep: 1, users: 2, sweepDrain: '2s', arrivalSpacing: 'poisson', seed: 1 }).sweep).toMatchObject({ drain: 2, spacing: { spacing: 'poisson' } });
  });

  it('refuses bad counts, times, a missing -u and other searches, naming the option', () => {
    expect(usageError({ sweep: 0, users: 4 })).toMatch(/^argument --sweep: invalid value '0': must be a whole number from 1 to 100/);
    expect(usageError({ sweep: 2.5, users: 4 })).toMatch(/^argument --sweep: invalid value '2.5'/);
    expect(usageError({ sweep: 3, users: 4, sweepTime: '0' })).toBe("argument --sweep-time: invalid value '0': must be longer than 0 s");
    expect(usageError({ sweep: 3, users: 4, sweepTime: 'soon' })).toMatch(/^argument --sweep-time: /);
    expect(usageError({ sweep: 3, users: 4, sweepDrain: 'x' })).toMatch(/^argument --sweep-drain: /);
    expect(usageError({ sweepDrain: '1s' })).toMatch(/^--sweep-drain needs --sweep/);
    expect(usageError({ sweep: 3 })).toMatch(/^--sweep needs -u of at least 2/);
    expect(usageError({ sweep: 3, users: 1 })).toMatch(/^--sweep needs -u of at least 2/);
    expect(usageError({ sweep: 3, users: 4, arrivalRate: 5 })).toMatch(/^--sweep cannot be combined with --arrival-rate/);
    expect(usageError({ sweep: 3, users: 4, stepUsers: 2, stepTime: '5s', slo: ['p99<100'] })).toMatch(/^--sweep cannot be combined with --step-users/);
  });
});

describe('validateOptions: saturation search', () => {
  const search = { users: 20, stepUsers: 5, stepTime: '40s', slo: ['p99<1000'] };

  it('builds the steps, settling a quarter of each step by default', () => {
    expect(settings(search).steps).toEqual({ users: 5, time: 40, settle: 10, continueAfterFail: false });
    expect(settings({ ...search, stepSettle: '5s', stepContinue: true }).steps).toEqual({ users: 5, time: 40, settle: 5, continueAfterFail: true });
  });

  it('needs a step time above 0 and a settle time below it', () => {
    expect(usageError({ ...search, stepTime: undefined })).toBe('--step-users needs --step-time, the length of each step (e.g. 30s)');
    expect(usageError({ ...search, stepTime: '0s' })).toBe('argument --step-time: must be longer than 0 s');
    expect(usageError({ ...search, stepSettle: '40s' })).toBe('argument --step-settle: must be shorter than --step-time');
  });

  it('needs a whole number of users per step, -u of at least one step, and an SLO', () => {
    expect(usageError({ ...search, stepUsers: 0 })).toBe("argument --step-users: invalid value '0': must be a whole number >= 1");
    expect(usageError({ ...search, users: undefined })).toBe('--step-users needs -u, the most users to step up to (at least one step)');
    expect(usageError({ ...search, users: 4 })).toBe('--step-users needs -u, the most users to step up to (at least one step)');
    expect(usageError({ ...search, slo: undefined })).toBe('--step-users needs --slo to judge each step, e.g. --slo p99<1000');
  });

  // Only --step-time given: the message names --step-users with the value 'undefined', which
  // nobody typed.
  it('asks for --step-users when only --step-time is given', () => {
    expect(usageError({ users: 20, stepTime: '40s', slo: ['p99<1000'] })).toMatch(/^--step-time needs --step-users/);
  });

  it('refuses steps together with arrivals', () => {
    expect(usageError({ ...search, arrivalRate: 5 })).toBe('--arrival-rate and --step-users cannot be combined: steps add users, arrivals set a rate');
  });
});

describe('validateOptions: --warmup and --cooldown', () => {
  it('take time spans, none by default', () => {
    expect(settings()).toMatchObject({ warmup: 0, cooldown: 0 });
    expect(settings({ warmup: '30s', cooldown: '10', runTime: '2m' })).toMatchObject({ warmup: 30, cooldown: 10, runTime: 120 });
    expect(settings({ warmup: '1m' })).toMatchObject({ warmup: 60, runTime: undefined });
  });

  it('refuse what is not a time span, naming the option', () => {
    expect(usageError({ warmup: '100r' })).toMatch(/^argument --warmup: Invalid time span format\. Valid formats: 20, 20s/);
    expect(usageError({ cooldown: '-5s', runTime: '1m' })).toMatch(/^argument --cooldown: Invalid time span format\./);
  });

  it('refuse a cool-down without a run time to count back from', () => {
    expect(usageError({ cooldown: '10s' })).toBe("argument --cooldown: '10s' needs -t/--run-time: the cool-down is counted back from the end of a timed run");
  });

  it('refuse a window that leaves nothing to measure', () => {
    expect(usageError({ warmup: '1m', runTime: '30s' })).toBe("argument --warmup: --warmup '1m' is not shorter than -t/--run-time '30s': no request would be measured");
    expect(usageError({ warmup: '30s', runTime: '30s' })).toMatch(/not shorter than -t\/--run-time '30s'/);
    expect(usageError({ warmup: '20s', cooldown: '10s', runTime: '30s' })).toBe(
      "argument --warmup: --warmup '20s' plus --cooldown '10s' is not shorter than -t/--run-time '30s': no request would be measured",
    );
  });
});
