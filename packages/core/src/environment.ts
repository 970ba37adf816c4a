import { MeasurementWindow } from './measurement-window.ts';
import { UnawaitedRequests } from './unawaited-requests.ts';
import type { Events, RunnerHandle } from './events.ts';
import { events as globalEvents } from './events.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import type { UserClass } from './user.ts';
import type { RequestTracer } from './request-tracer.ts';

/** Parsed command-line options, custom ones included (Locust's `parsed_options`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ParsedOptions = { [option: string]: any };

export interface EnvironmentOptions {
  userClasses?: UserClass[];
  events?: Events;
  host?: string;
  parsedOptions?: ParsedOptions;
  stopTimeout?: number;
  catchExceptions?: boolean;
  tags?: string[];
  excludeTags?: string[];
  logger?: Logger;
  /** The name this process goes by in exception reports (`local` for a local run). */
  nodeId?: string;
  /** `--profile`: a name grouping runs, shown in the reports and the web UI. */
  profile?: string;
}

/** What a run shares with its users (Locust's Environment). */
export class Environment {
  readonly events: Events;
  userClasses: UserClass[];
  /** `--host`: when set, it overrides the classes' own hosts. */
  host: string | undefined;
  parsedOptions: ParsedOptions;
  /** Seconds running users get to finish their task when the test stops. */
  stopTimeout: number;
  catchExceptions: boolean;
  tags: string[] | undefined;
  excludeTags: string[] | undefined;
  logger: Logger;
  nodeId: string;
  /** `--profile` (Locust's `environment.profile`), or set from the web UI's form. */
  profile: string | undefined;
  runner: RunnerHandle | undefined;
  /** The request statistics (`@locusta/stats` RequestStats), set by the runner. */
  stats: unknown;
  /** When set, the process exits with this code (Locust's process_exit_code). */
  processExitCode: number | undefined;
  /** Requests found in flight when their task returned (forgotten awaits). */
  readonly unawaitedRequests = new UnawaitedRequests();
  /** Which requests count, by their start time (`--warmup`, `--cooldown`, resets). */
  readonly measurement = new MeasurementWindow();
  /** Spans around requests (`--otel`); unset, requests are not traced. */
  requestTracer: RequestTracer | undefined;

  constructor(options: EnvironmentOptions = {}) {
    this.events = options.events ?? globalEvents;
    this.userClasses = options.userClasses ?? [];
    this.host = options.host;
    this.parsedOptions = options.parsedOptions ?? {};
    this.stopTimeout = options.stopTimeout ?? 0;
    this.catchExceptions = options.catchExceptions ?? true;
    this.tags = options.tags;
    this.excludeTags = options.excludeTags;
    this.profile = options.profile;
    this.logger = options.logger ?? silentLogger;
    this.nodeId = options.nodeId ?? 'local';
    this.runner = undefined;
    this.stats = undefined;
    this.processExitCode = undefined;
  }
}
