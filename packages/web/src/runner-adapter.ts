import type { Environment, UserClass } from '@locusta/core';
import { camelCase } from '@locusta/core';
import type { LocalRunner } from '@locusta/runner';
import { MasterRunner } from '@locusta/runner';
import { describeUserClasses } from './task-ratios.ts';
import type { WebRunner, WebStartOptions } from './web-runner.ts';

/**
 * Applies what the form posted to the environment before a start: the host override and the
 * options, under both their declared and camelCase names (yargs gives user files both), so
 * users spawned from now on, and a master's workers with the next spawn message, see them.
 */
export function applyStartOptions(env: Environment, users: number, spawnRate: number, options: WebStartOptions): void {
  if (options.host !== undefined) env.host = options.host === '' ? undefined : options.host;
  const parsed = env.parsedOptions;
  parsed['users'] = users;
  parsed['spawnRate'] = spawnRate;
  parsed['spawn-rate'] = spawnRate;
  if (options.host !== undefined) parsed['host'] = options.host;
  if (options.profile !== undefined) {
    env.profile = options.profile === '' ? undefined : options.profile;
    parsed['profile'] = env.profile;
  }
  // The cool-down counts back from the run time of the form, which may not be -t's.
  if (options.runTime !== undefined) env.measurement.runTime = options.runTime > 0 ? options.runTime : undefined;
  for (const [name, value] of Object.entries(options.custom)) {
    parsed[name] = value;
    parsed[camelCase(name)] = value;
  }
}

/**
 * The classes of a start with a class picker, as Locust picks them: those ticked; with none
 * ticked, the running test's classes, or every class for a new test.
 */
export function pickedClasses(available: readonly UserClass[], names: readonly string[], current: readonly UserClass[], running: boolean): UserClass[] {
  if (names.length > 0) return available.filter((c) => names.includes(c.name));
  return running ? [...current] : [...available];
}

/** The host the start form offers: `--host`, or the host every class declares, or ''. */
export function formHost(env: Environment): string {
  if (env.host) return env.host;
  const hosts = new Set(env.userClasses.map((c) => c.host ?? ''));
  return hosts.size === 1 ? ([...hosts][0] ?? '') : '';
}

/**
 * A WebRunner over a LocalRunner or a MasterRunner. A master also lists its workers. Override
 * members by spreading: `{ ...adaptRunner(runner), start: startShape }`.
 */
export function adaptRunner(runner: LocalRunner | MasterRunner): WebRunner {
  const env = runner.environment;
  // Every class the run may use: a class picker narrows env.userClasses to the ticked ones.
  const available = [...env.userClasses];
  const adapter: WebRunner = {
    state: () => runner.state,
    userCount: () => runner.userCount,
    async start(users, spawnRate, options) {
      if (options.userClasses !== undefined) env.userClasses = pickedClasses(available, options.userClasses, env.userClasses, runner.state === 'running');
      applyStartOptions(env, users, spawnRate, options);
      await runner.start(users, spawnRate);
    },
    stop: () => runner.stop(),
    resetStats() {
      // Requests in flight now started before the reset: they must not land in the new figures.
      env.measurement.resetAt();
      runner.stats.reset();
      runner.exceptions.reset();
      env.events.resetStats.fire();
    },
    stats: runner.stats,
    exceptions: runner.exceptions,
    userClasses: () => describeUserClasses(env.userClasses, runner.userClassesCount()),
    host: () => formHost(env),
  };
  if (runner instanceof MasterRunner) {
    adapter.workers = () =>
      [...runner.workers.values()].map((w) => ({ id: w.id, state: w.state, userCount: w.userCount, cpu: w.cpu, memory: w.memory }));
  }
  return adapter;
}
