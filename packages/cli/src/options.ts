import { camelCase } from '@locusta/core';

/**
 * Locust's command-line options, with Locust's names, short flags, defaults and environment
 * variables. Every option is read from `LOCUSTA_<NAME>` (envNames); those Locust has also from
 * Locust's own `LOCUST_*` variable. Config-file keys are the long names.
 * Options of later features (web UI, distributed runs) are accepted where Locust has them so
 * existing config files keep parsing.
 *
 * The table is the only place an option and its default are written: the rest of the CLI reads
 * the typed `LocustaOptions` derived from it (`options.webPort`), so a misspelt option, or a
 * default of the wrong type, does not compile.
 */
interface OptionBase {
  /** Long name without dashes, as on the command line and in config files. */
  readonly name: string;
  readonly alias?: string;
  /**
   * Locust's environment variable, for options Locust has (`LOCUSTA_` + the same suffix works
   * too). Locusta's own options have none: `LOCUSTA_<NAME>` is enough.
   */
  readonly env?: string;
  readonly group: string;
  readonly describe: string;
  readonly hidden?: boolean;
  /**
   * A list option that takes one value per flag (`--slo A --slo B`), so the words after it stay
   * positional (User class names); without it a list takes every word up to the next flag, as
   * Locust's `-T a b`.
   */
  readonly oneValue?: boolean;
}

/** An option of the table; its default, when it has one, is of its type. */
export type OptionSpec = OptionBase &
  (
    | { readonly type: 'string'; readonly default?: string }
    | { readonly type: 'number'; readonly default?: number }
    | { readonly type: 'boolean'; readonly default?: boolean }
    | { readonly type: 'array'; readonly default?: readonly string[] }
  );

export type OptionType = OptionSpec['type'];

const COMMON = 'Common options';
const WEB = 'Web UI options';
const MASTER = 'Master options';
const WORKER = 'Worker options';
const TAGS = 'Tag options';
const STATS = 'Request statistics options';
const LOG = 'Logging options';
const STEP = 'Other options';
const WORKLOAD = 'Open workload (arrival-rate) options';
const SLO = 'SLO, saturation and report options';
const TOKENS = 'LLM prompt and token options';

const OPTION_TABLE = [
  { name: 'locustfile', alias: 'f', type: 'string', env: 'LOCUST_LOCUSTFILE', group: COMMON, describe: 'User file(s) to import: a .ts/.mts/.js/.mjs file, a comma-separated list, or a folder. Default: locustfile.ts, .mts, .js or .mjs in the current folder' },
  { name: 'config', type: 'string', group: COMMON, describe: 'Extra config file (locust.conf format: key = value)' },
  { name: 'host', alias: 'H', type: 'string', env: 'LOCUST_HOST', group: COMMON, describe: 'Host to load test, as a base URL: http://10.21.32.33' },
  { name: 'users', alias: 'u', type: 'number', env: 'LOCUST_USERS', group: COMMON, describe: 'Peak number of concurrent users (headless default 1)' },
  { name: 'spawn-rate', alias: 'r', type: 'number', env: 'LOCUST_SPAWN_RATE', group: COMMON, describe: 'Users started per second (headless default 1)' },
  { name: 'run-time', alias: 't', type: 'string', env: 'LOCUST_RUN_TIME', group: COMMON, describe: 'Stop after this time span: 300s, 20m, 3h, 1h30m. Default: run until stopped' },
  { name: 'list', alias: 'l', type: 'boolean', default: false, group: COMMON, describe: 'Show the available User classes and exit' },
  { name: 'config-users', type: 'array', env: 'LOCUST_CONFIG_USERS', group: COMMON, describe: 'User class settings as JSON (not supported yet)', hidden: true },
  { name: 'web-host', type: 'string', default: '', env: 'LOCUST_WEB_HOST', group: WEB, describe: 'Host to bind the web interface to (all interfaces by default)' },
  { name: 'web-port', alias: 'P', type: 'number', default: 8089, env: 'LOCUST_WEB_PORT', group: WEB, describe: 'Port for the web interface' },
  { name: 'headless', type: 'boolean', default: false, env: 'LOCUST_HEADLESS', group: WEB, describe: 'Run without the web UI and start the test at once' },
  { name: 'autostart', type: 'boolean', default: false, env: 'LOCUST_AUTOSTART', group: WEB, describe: 'Start the test at once, like --headless, but keep the UI' },
  { name: 'autoquit', type: 'number', default: -1, env: 'LOCUST_AUTOQUIT', group: WEB, describe: 'Quit this many seconds after the run ends (with --autostart)' },
  { name: 'class-picker', type: 'boolean', default: false, env: 'LOCUST_USERCLASS_PICKER', group: WEB, describe: "Let the web UI's start form choose which User classes run" },
  { name: 'web-base-path', type: 'string', default: '', env: 'LOCUST_WEB_BASE_PATH', group: WEB, describe: 'Base path of the web UI (behind a reverse proxy), e.g. /locusta' },
  { name: 'web-auth', type: 'string', group: WEB, describe: 'user:password: HTTP basic authentication on the web UI and its API' },
  { name: 'web-login', type: 'boolean', default: false, env: 'LOCUST_WEB_LOGIN', group: WEB, describe: "A login page (and a session cookie) for browsers instead of basic auth's prompt; it checks --web-auth's user and password, which scripts can still send as basic auth" },
  { name: 'tls-cert', type: 'string', default: '', env: 'LOCUST_TLS_CERT', group: MASTER, describe: 'TLS certificate (PEM): the web UI serves HTTPS, and a master serves wss:// to its workers' },
  { name: 'tls-key', type: 'string', default: '', env: 'LOCUST_TLS_KEY', group: MASTER, describe: 'TLS private key (PEM) for --tls-cert' },
  { name: 'master', type: 'boolean', default: false, env: 'LOCUST_MODE_MASTER', group: MASTER, describe: 'Run as the master of a distributed run: workers connect to it' },
  { name: 'master-bind-host', type: 'string', default: '*', env: 'LOCUST_MASTER_BIND_HOST', group: MASTER, describe: 'Interface the master binds to' },
  { name: 'master-bind-port', type: 'number', default: 5557, env: 'LOCUST_MASTER_BIND_PORT', group: MASTER, describe: 'Port the master binds to' },
  { name: 'expect-workers', type: 'number', default: 1, env: 'LOCUST_EXPECT_WORKERS', group: MASTER, describe: 'Workers the master waits for before starting' },
  { name: 'expect-workers-max-wait', type: 'number', default: 0, env: 'LOCUST_EXPECT_WORKERS_MAX_WAIT', group: MASTER, describe: 'Seconds to wait for workers' },
  { name: 'enable-rebalancing', type: 'boolean', default: false, group: MASTER, describe: 'Accepted for Locust compatibility: Locusta always rebalances users when workers join or go missing' },
  { name: 'allow-mismatched-user-files', type: 'boolean', default: false, group: MASTER, describe: "Let workers whose user file differs from the master's join (with a warning) instead of refusing them" },
  { name: 'master-token', type: 'string', group: MASTER, describe: 'Shared secret: the master refuses workers without it, workers send it' },
  { name: 'worker', type: 'boolean', default: false, env: 'LOCUST_MODE_WORKER', group: WORKER, describe: 'Run as a worker: connect to a master and run the users it assigns' },
  { name: 'master-host', type: 'string', default: '127.0.0.1', env: 'LOCUST_MASTER_NODE_HOST', group: WORKER, describe: 'Master to connect to' },
  { name: 'master-port', type: 'number', default: 5557, env: 'LOCUST_MASTER_NODE_PORT', group: WORKER, describe: 'Master port to connect to' },
  { name: 'master-tls', type: 'boolean', default: false, group: WORKER, describe: 'Connect to the master with wss:// (TLS), verifying its certificate' },
  { name: 'master-tls-ca', type: 'string', group: WORKER, describe: "CA certificate (PEM) to trust for the master's TLS certificate; implies --master-tls" },
  { name: 'processes', type: 'number', env: 'LOCUST_PROCESSES', group: WORKER, describe: 'Fork this many worker processes (-1: one per core); without --worker this process becomes their master' },
  { name: 'tags', alias: 'T', type: 'array', env: 'LOCUST_TAGS', group: TAGS, describe: 'Only run tasks with any of these tags' },
  { name: 'exclude-tags', alias: 'E', type: 'array', env: 'LOCUST_EXCLUDE_TAGS', group: TAGS, describe: 'Do not run tasks with any of these tags' },
  { name: 'csv', type: 'string', env: 'LOCUST_CSV', group: STATS, describe: 'Write statistics to PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv and PREFIX_exceptions.csv' },
  { name: 'percentiles', type: 'string', group: STATS, describe: 'Percentile columns of the console table, the CSVs and the HTML report (PERCENTILES_TO_REPORT), fractions: 0.5,0.9,0.99,1' },
  { name: 'console-interval', type: 'number', group: STATS, describe: 'Seconds between console tables (CONSOLE_STATS_INTERVAL_SEC, default 2)' },
  { name: 'csv-interval', type: 'number', group: STATS, describe: 'Seconds between CSV writes and history rows (CSV_STATS_INTERVAL_SEC, default 1)' },
  { name: 'history-interval', type: 'number', group: STATS, describe: "Seconds between the samples the HTML report's charts draw (HISTORY_STATS_INTERVAL_SEC, default 1)" },
  { name: 'current-window', type: 'number', group: STATS, describe: 'Seconds the current percentiles cover (CURRENT_RESPONSE_TIME_PERCENTILE_WINDOW, default 10)' },
  { name: 'csv-full-history', type: 'boolean', default: false, env: 'LOCUST_CSV_FULL_HISTORY', group: STATS, describe: 'Write every entry, not only Aggregated, to the _stats_history.csv file (needs --csv)' },
  { name: 'print-stats', type: 'boolean', default: false, env: 'LOCUST_PRINT_STATS', group: STATS, describe: 'Print the stats table every 2 s in UI runs too' },
  { name: 'only-summary', type: 'boolean', default: false, env: 'LOCUST_ONLY_SUMMARY', group: STATS, describe: 'Only print the summary at the end, not the table every 2 s' },
  { name: 'warmup', type: 'string', default: '0', group: STATS, describe: 'Time span from the start (30s, 1m), or a count of requests (200req): requests that START in it, or the first N to start, are left out of every result, whenever they end' },
  { name: 'cooldown', type: 'string', default: '0', group: STATS, describe: 'Time span before the end of a timed run (-t): requests that START in it are left out of every result' },
  { name: 'reset-stats', type: 'boolean', default: false, env: 'LOCUST_RESET_STATS', group: STATS, describe: 'Reset the statistics once spawning has completed' },
  { name: 'html', type: 'string', env: 'LOCUST_HTML', group: STATS, describe: 'Write a self-contained HTML report to this file at the end ({u}, {r}, {t} become users, spawn rate, run time)' },
  { name: 'histogram', type: 'boolean', default: false, group: STATS, describe: 'Print a response-time histogram of the Aggregated row at the end' },
  { name: 'hdr-log', type: 'string', group: STATS, describe: 'Write HdrHistogram interval logs (µs, one interval a second, a tag per entry) to this file' },
  { name: 'json', type: 'boolean', default: false, group: STATS, describe: 'Print the final statistics as JSON to stdout' },
  { name: 'json-file', type: 'string', group: STATS, describe: 'Write the final statistics as JSON to NAME.json' },
  { name: 'requests-log', type: 'string', group: STATS, describe: 'Write one JSON line per request (start, type, name, status, time, worker; TTFT and tokens of LLM generations) to FILE' },
  { name: 'skip-log-setup', type: 'boolean', default: false, env: 'LOCUST_SKIP_LOG_SETUP', group: LOG, describe: 'Leave logging to the user file', hidden: true },
  { name: 'loglevel', alias: 'L', type: 'string', default: 'INFO', env: 'LOCUST_LOGLEVEL', group: LOG, describe: 'DEBUG, INFO, WARNING, ERROR or CRITICAL' },
  { name: 'logfile', type: 'string', env: 'LOCUST_LOGFILE', group: LOG, describe: 'Write log lines to this file instead of stderr' },
  { name: 'show-task-ratio', type: 'boolean', default: false, group: STEP, describe: 'Print the task ratios of the User classes and exit' },
  { name: 'show-task-ratio-json', type: 'boolean', default: false, group: STEP, describe: 'Print the task ratios as JSON and exit' },
  { name: 'exit-code-on-error', type: 'number', default: 1, env: 'LOCUST_EXIT_CODE_ON_ERROR', group: STEP, describe: 'Exit code when a request failed or a task raised' },
  { name: 'stop-timeout', alias: 's', type: 'string', default: '0', env: 'LOCUST_STOP_TIMEOUT', group: STEP, describe: 'Time span running users get to finish their task when the test stops' },
  { name: 'arrival-rate', type: 'number', group: WORKLOAD, describe: 'Start this many iterations (task runs) per second, whatever the response times, with up to -u users; arrivals with no free user are dropped and counted' },
  { name: 'arrival-stages', type: 'string', group: WORKLOAD, describe: 'Ramp the arrival rate: DURATION:RATE pairs, each linear from the previous rate, e.g. 30s:10,1m:50 (the last rate holds until the run ends)' },
  { name: 'arrival-spacing', type: 'string', group: WORKLOAD, describe: 'even (evenly spaced arrivals, the default) or poisson (a Poisson process of the same rate)' },
  { name: 'burstiness', type: 'number', group: WORKLOAD, describe: 'Bursty arrivals: gaps drawn from a gamma distribution of this shape (> 0) and mean 1/rate; below 1 burstier than Poisson, 1 is Poisson, above 1 more regular (replaces --arrival-spacing)' },
  { name: 'seed', type: 'number', group: WORKLOAD, describe: 'Seed of the Poisson or gamma arrivals, to repeat a schedule (default: random, logged)' },
  { name: 'slo', type: 'array', oneValue: true, group: SLO, describe: "Service level objective, checked every 2 s and at the end: [NAME:]METRIC<|<=|>|>=VALUE, e.g. p99<1000, fail_ratio<0.01, rps>100, '/v1/chat:p95<500'. A failed SLO exits with code 3" },
  { name: 'junit', type: 'string', group: SLO, describe: 'Write the verdicts as JUnit XML to FILE at the end: a test case per --slo, per --step-users step and per --goodput bound, a failed one naming the measured value and the bound' },
  { name: 'goodput', type: 'array', group: SLO, describe: 'LLM goodput bounds in ms, all to be met: ttft:500 tpot:50 e2e:10000 (OpenAIUser requests); the share and rate of requests that met them are reported' },
  { name: 'tokenizer', type: 'string', group: TOKENS, describe: "A Hugging Face tokenizer.json (the model's): counts prompt tokens and builds exact-length prompts. Default: the built-in o200k_base (GPT-4o)" },
  { name: 'prompt-tokens', type: 'number', group: TOKENS, describe: "OpenAIUser's promptSource: synthetic prompts of exactly this many tokens under the tokenizer (after --prefix-tokens)" },
  { name: 'prompt-tokens-dist', type: 'string', group: TOKENS, describe: 'Length of the synthetic prompts: fixed (--prompt-tokens), uniform:MIN:MAX or normal:MEAN:SD' },
  { name: 'prefix-tokens', type: 'number', group: TOKENS, describe: 'A prefix of this many tokens shared by every synthetic prompt, before its own part (prefix-cache tests)' },
  { name: 'output-tokens', type: 'number', group: TOKENS, describe: "max_tokens of every promptSource prompt" },
  { name: 'ignore-eos', type: 'boolean', default: false, group: TOKENS, describe: 'Also send min_tokens = --output-tokens and ignore_eos: true (vLLM, SGLang), so every answer has that length' },
  { name: 'dataset', type: 'string', group: TOKENS, describe: 'Prompts sampled (seeded by --seed) from a ShareGPT JSON file or a JSONL file of {"prompt"} / {"messages"} lines' },
  { name: 'usage-tolerance', type: 'number', default: 64, group: TOKENS, describe: "Tokens usage.prompt_tokens may exceed the tokenizer's count of the prompt (chat template, BOS) before it counts as a usage mismatch" },
  { name: 'slo-abort', type: 'boolean', default: false, group: SLO, describe: 'Stop the run at the first failed SLO check (after --slo-grace)' },
  { name: 'slo-grace', type: 'string', default: '0', group: SLO, describe: 'Time span from the start during which failed SLO checks do not abort the run' },
  { name: 'step-users', type: 'number', group: SLO, describe: 'Saturation search: add this many users per step, up to -u, judging every step on its own window with --slo' },
  { name: 'step-time', type: 'string', group: SLO, describe: 'Saturation search: the length of each step (time span)' },
  { name: 'step-settle', type: 'string', group: SLO, describe: 'Saturation search: time at the start of each step left out of its window (default: a quarter of --step-time)' },
  { name: 'step-continue', type: 'boolean', default: false, group: SLO, describe: 'Saturation search: keep stepping after the first failed step' },
  { name: 'sweep', type: 'number', group: SLO, describe: 'Rate sweep: a synchronous point (1 user), a throughput point (-u users), then this many arrival rates evenly spaced up to the throughput, each judged on its own window; the knee is reported' },
  { name: 'sweep-time', type: 'string', default: '30s', group: SLO, describe: 'Rate sweep: how long each point sends (time span)' },
  { name: 'sweep-drain', type: 'string', group: SLO, describe: 'Rate sweep: pause after each point for its last requests to end before it is judged (default 5s; on a master at least 4s, for the workers to report)' },
  { name: 'profile', type: 'string', group: STEP, describe: 'A name for the run, to group runs together (e.g. nightly-8b): shown in the HTML report and the web UI' },
  { name: 'equal-weights', type: 'boolean', default: false, group: STEP, describe: 'Give every User class the weight 1' },
  { name: 'otel', type: 'boolean', default: false, env: 'LOCUST_ENABLE_OPENTELEMETRY', group: STEP, describe: 'OpenTelemetry traces and metrics of the requests, configured by the standard OTEL_* variables (exporters, OTLP protocol and endpoint, service name)' },
] as const satisfies readonly OptionSpec[];

type TableRow = (typeof OPTION_TABLE)[number];

/** The long name of an option of the table: `web-port`. */
export type OptionName = TableRow['name'];

/** `web-port` -> `webPort`: camelCase() of a name of the table, as a type. */
type CamelName<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelName<Tail>>}` : S;

interface ValueTypes {
  string: string;
  number: number;
  boolean: boolean;
  array: string[];
}

/**
 * Every option of the table, camelCased and typed; an option with a default in the table is
 * always set (yargs applies it), the others may be undefined.
 */
export type LocustaOptions = {
  readonly [Row in TableRow as CamelName<Row['name']>]: Row extends { readonly default: unknown }
    ? ValueTypes[Row['type']]
    : ValueTypes[Row['type']] | undefined;
};

/** The table, row by row. */
export const OPTIONS: ReadonlyArray<OptionSpec & { readonly name: OptionName }> = OPTION_TABLE;

/** The variable every option is read from: `LOCUSTA_` and the long name, `master-token` -> `LOCUSTA_MASTER_TOKEN`. */
function locustaEnvName(name: string): string {
  return `LOCUSTA_${name.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * The environment variables of an option, the first set one wins: `LOCUSTA_<NAME>`, then for an
 * option Locust has its variable with the LOCUSTA_ prefix and as Locust spells it
 * (`--master-host`: LOCUSTA_MASTER_HOST, LOCUSTA_MASTER_NODE_HOST, LOCUST_MASTER_NODE_HOST).
 */
function envNames(o: Pick<OptionSpec, 'name' | 'env'>): string[] {
  const names = [locustaEnvName(o.name)];
  if (o.env) names.push(o.env.replace(/^LOCUST_/, 'LOCUSTA_'), o.env);
  return [...new Set(names)];
}

/** An option's value from the environment (empty counts as unset), and the variable it came from. */
export function envValue(env: NodeJS.ProcessEnv, o: Pick<OptionSpec, 'name' | 'env'>): { value: string; variable: string } | undefined {
  for (const variable of envNames(o)) {
    const value = env[variable];
    if (value !== undefined && value !== '') return { value, variable };
  }
  return undefined;
}

/** An option of the table by its long name. */
export function optionSpec(name: OptionName): OptionSpec {
  const spec = OPTIONS.find((o) => o.name === name);
  if (!spec) throw new Error(`no option --${name}`);
  return spec;
}

/** The default the table gives an option, for values read before the parser runs. */
export function defaultOf<N extends OptionName>(name: N): Extract<TableRow, { name: N }> extends { readonly default: infer D } ? D : undefined {
  return optionSpec(name).default as never;
}

/**
 * The table's options from what the parser gave (keyed by long name, custom options too),
 * camelCased; the parser (buildParser) gave each its type.
 */
export function typedOptions(parsed: Readonly<Record<string, unknown>>): LocustaOptions {
  const out: Record<string, unknown> = {};
  for (const o of OPTIONS) out[camelCase(o.name)] = parsed[o.name];
  return out as LocustaOptions;
}
