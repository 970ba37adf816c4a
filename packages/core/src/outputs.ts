import type { Environment } from './environment.ts';
import { LocustaError } from './errors.ts';
import { describeError } from './errors.ts';
import type { OutputExtension } from './output-extension.ts';

/** Where a process stands in a run: what the wiring of its extensions does. */
export type OutputRole = 'local' | 'master' | 'worker';

/** Makes an environment's instance of a family (one per environment, as its statistics). */
export type OutputFactory<T extends OutputExtension> = (environment: Environment) => T;

/** What `registerOutput` returns: the way to an environment's instance, to record into it. */
export interface OutputHandle<T extends OutputExtension> {
  /** The environment's instance, made on first use. */
  of(environment: Environment): T;
}

interface Attached {
  readonly list: OutputExtension[];
  readonly made: Map<OutputFactory<OutputExtension>, OutputExtension>;
  role: OutputRole | undefined;
}

// Under global symbols (as core's `events`), so that a second copy of this package, bundled
// into a user file, registers into the registry the CLI reads. A WeakMap lets a finished run's
// extensions go with its environment.
const globals = globalThis as Record<symbol, unknown>;
const factories = (globals[Symbol.for('locusta.outputs.factories')] ??= []) as Array<OutputFactory<OutputExtension>>;
const byEnvironment = (globals[Symbol.for('locusta.outputs.attached')] ??= new WeakMap<Environment, Attached>()) as WeakMap<
  Environment,
  Attached
>;

function attachedOf(environment: Environment): Attached {
  let a = byEnvironment.get(environment);
  if (a === undefined) {
    a = { list: [], made: new Map(), role: undefined };
    byEnvironment.set(environment, a);
  }
  return a;
}

/**
 * Registers a family of statistics for every run of this process: each environment the CLI
 * makes gets an instance, whose outputs appear next to the request statistics' and whose worker
 * parts are merged on the master. Call it at the top of a user file (or in a package it imports).
 *
 * @example
 * const tenants = registerOutput(() => new TenantCounts());
 * // in a task: tenants.of(this.environment).add('acme');
 */
export function registerOutput<T extends OutputExtension>(factory: OutputFactory<T>): OutputHandle<T> {
  const f = factory as OutputFactory<OutputExtension>;
  if (!factories.includes(f)) factories.push(f);
  return { of: (environment) => instanceOf(environment, f) as T };
}

function instanceOf(environment: Environment, factory: OutputFactory<OutputExtension>): OutputExtension {
  const a = attachedOf(environment);
  let ext = a.made.get(factory);
  if (ext === undefined) {
    try {
      ext = factory(environment);
    } catch (err) {
      throw new LocustaError('LOCUSTA_ERR_USER_FILE', `an output family's factory (registerOutput) failed: ${describeError(err)}`, { cause: err });
    }
    if (typeof ext !== 'object' || ext === null || typeof ext.name !== 'string' || ext.name === '') {
      throw new LocustaError('LOCUSTA_ERR_USER_FILE', "an output family's factory (registerOutput) returned no extension with a name");
    }
    a.made.set(factory, ext);
    addOutput(environment, ext);
  }
  return ext;
}

/**
 * Adds an extension to an environment (the built-in families, or one made by hand). Once the
 * environment is attached, it is wired at once; before, `attachOutputs` wires it.
 */
export function addOutput(environment: Environment, extension: OutputExtension): void {
  const a = attachedOf(environment);
  if (a.list.includes(extension)) return;
  if (a.list.some((e) => e.name === extension.name)) {
    throw new LocustaError('LOCUSTA_ERR_USER_FILE', `two output extensions are named '${extension.name}': each needs its own name`);
  }
  a.list.push(extension);
  if (a.role !== undefined) wire(environment, extension, a.role);
}

/**
 * Makes the registered families' instances for an environment and wires every extension of it
 * for `role`: zeroed when a test starts and on `resetStats`; a worker sends `takeReport()` with
 * each report to its master, under the extension's name; a master checks and merges that part of
 * every worker report. Calling it again for the same environment does nothing more.
 */
export function attachOutputs(environment: Environment, role: OutputRole): void {
  makeOutputs(environment);
  const a = attachedOf(environment);
  if (a.role !== undefined) return;
  a.role = role;
  for (const ext of a.list) wire(environment, ext, role);
}

/**
 * Makes the registered families' instances for an environment, without wiring them (see
 * `attachOutputs`): the CLI calls it before the run starts, so that a factory that throws or a
 * name used twice is a user-file error before anything runs.
 */
export function makeOutputs(environment: Environment): void {
  for (const factory of factories) instanceOf(environment, factory);
}

/** The environment's extensions, in the order they were added: the order of every output. */
export function outputsOf(environment: Environment): readonly OutputExtension[] {
  return byEnvironment.get(environment)?.list ?? [];
}

function wire(environment: Environment, ext: OutputExtension, role: OutputRole): void {
  const events = environment.events;
  if (ext.reset) {
    const reset = () => ext.reset?.();
    events.testStart.addListener(reset);
    events.resetStats.addListener(reset);
  }
  if (role === 'worker' && ext.takeReport) {
    events.reportToMaster.addListener(({ data }) => {
      const part = ext.takeReport?.();
      if (part !== undefined) data[ext.name] = part;
    });
  }
  if (role === 'master' && ext.merge) {
    // The master's runner refuses a report whose part is invalid before merging any of it.
    const runner = environment.runner as { registerReportCheck?(key: string, check: (value: unknown) => string | undefined): void } | undefined;
    if (ext.checkReport) runner?.registerReportCheck?.(ext.name, (value) => ext.checkReport?.(value));
    events.workerReport.addListener(({ data }) => {
      const part = partOf(data, ext.name);
      if (part !== undefined) ext.merge?.(part);
    });
  }
}

/**
 * An extension's part of a worker report. The master's `workerReport` gives the whole report,
 * in which the keys `reportToMaster` listeners added sit under `custom`; the top level is also
 * looked at, for a runner that passes those keys alone.
 */
function partOf(data: Record<string, unknown>, key: string): unknown {
  const custom = data['custom'];
  if (typeof custom === 'object' && custom !== null && !Array.isArray(custom) && Object.hasOwn(custom, key)) {
    return (custom as Record<string, unknown>)[key];
  }
  return data[key];
}
