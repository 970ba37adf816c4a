import { EventHook } from './event-hook.ts';
import type { Environment } from './environment.ts';

/** One request, as fired on `events.request` by HTTP clients and custom clients alike. */
export interface RequestEvent {
  /** The method or kind of request (`GET`, `POST`, `tcp`, `query`...). */
  requestType: string;
  /** The stats entry name (the path, or the `name` option). */
  name: string;
  /** Milliseconds, or null for requests without a meaningful time. */
  responseTime: number | null;
  /** Bytes of the response. */
  responseLength: number;
  response?: unknown;
  context?: Record<string, unknown>;
  /** Set when the request failed: an Error or a message. */
  exception?: unknown;
  /** Unix seconds at which the request started. */
  startTime?: number;
  url?: string;
  /**
   * Milliseconds by which the task that made this request started after its intended start
   * (arrival-rate mode, constantPacing, constantThroughput); undefined for unscheduled tasks.
   * `responseTime + scheduleLag` is the response time corrected for coordinated omission.
   */
  scheduleLag?: number;
}

/**
 * The object a custom option listener receives. It is yargs' own builder, so `option(...)`
 * takes yargs' option syntax; Locust's `add_argument` is provided for ported files.
 */
export interface CommandLineParser {
  option(name: string, options: Record<string, unknown>): CommandLineParser;
  /** Locust-style alias: `addArgument('--model', { type: 'string', default: 'x' })`. */
  addArgument(flag: string, options?: Record<string, unknown>): CommandLineParser;
}

/** The runner surface events expose; `@locusta/runner` implements it. */
export interface RunnerHandle {
  readonly state: string;
  readonly userCount: number;
  stop(): Promise<void>;
  quit(): Promise<void>;
  registerMessage(type: string, listener: (msg: { type: string; data: unknown; nodeId: string }) => unknown): void;
  sendMessage(type: string, data?: unknown, clientId?: string): void;
}

/** Locust's events, camelCased. Listener arguments are objects named as Locust's kwargs. */
export class Events {
  readonly init = new EventHook<{ environment: Environment; runner?: RunnerHandle; webUi?: unknown }>('init');
  readonly initCommandLineParser = new EventHook<CommandLineParser>('initCommandLineParser');
  readonly testStart = new EventHook<{ environment: Environment }>('testStart');
  readonly testStopping = new EventHook<{ environment: Environment }>('testStopping');
  readonly testStop = new EventHook<{ environment: Environment }>('testStop');
  readonly request = new EventHook<RequestEvent>('request');
  /** A task started `lag` ms after its intended start (scheduled tasks only). */
  readonly scheduleLag = new EventHook<{ lag: number }>('scheduleLag');
  readonly userError = new EventHook<{ userInstance: unknown; exception: unknown; tb?: string }>('userError');
  readonly spawningComplete = new EventHook<{ userCount: number }>('spawningComplete');
  readonly quitting = new EventHook<{ environment: Environment }>('quitting');
  readonly quit = new EventHook<{ exitCode: number }>('quit');
  readonly usageMonitor = new EventHook<{ environment: Environment; cpuUsage: number; memoryUsage: number }>(
    'usageMonitor',
  );
  readonly cpuWarning = new EventHook<{ environment: Environment; cpuUsage: number }>('cpuWarning');
  readonly resetStats = new EventHook<void>('resetStats');
  readonly reportToMaster = new EventHook<{ clientId: string; data: Record<string, unknown> }>('reportToMaster');
  readonly workerReport = new EventHook<{ clientId: string; data: Record<string, unknown> }>('workerReport');
  readonly workerConnect = new EventHook<{ clientId: string }>('workerConnect');
  readonly heartbeatSent = new EventHook<{ clientId: string; timestamp: number }>('heartbeatSent');
  readonly heartbeatReceived = new EventHook<{ clientId: string; timestamp: number }>('heartbeatReceived');
}

/**
 * The process-wide events, as Locust's `from locust import events`: user files add listeners at
 * import time and the runner fires them.
 */
export const events: Events = ((globalThis as Record<symbol, unknown>)[Symbol.for('locusta.events')] ??=
  new Events()) as Events;
