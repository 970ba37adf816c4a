/**
 * `locusta-mock-openai`: run the mock server from the command line.
 */
import { parseArgs } from 'node:util';
import { LocustaError, messageOf } from '@locusta/core';
import { createMockServer } from './server.ts';
import type { MockServerOptions } from './server.ts';

export interface CliIo {
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** Stops the server when aborted (in addition to SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers (default true). */
  handleSignals?: boolean;
}

export const USAGE = `Usage: locusta-mock-openai [options]

A mock OpenAI-compatible inference server (POST /v1/chat/completions, /v1/completions,
GET /v1/models, /health, /stats), and of Ollama's native API (POST /api/chat, /api/generate,
/api/embed, GET /api/tags), and of llama.cpp server's native POST /completion (also
/completions). "stream": true answers with server-sent events; /api/chat and /api/generate
stream NDJSON unless "stream": false; /completion's last chunk carries llama.cpp's timings.

Options:
  --host <host>            interface to listen on (default 127.0.0.1)
  --port <port>            port, 0 = any free port (default 8000)
  --capacity <n>           requests in flight before answering 503 (default 16)
  --speed <x>              divide all latencies by x (default 1)
  --error-rate <p>         fraction of requests answered with 500, 0..1 (default 0)
  --seed <n>               seed for latency jitter and errors (default 1)
  --fixed-latency-ms <ms>  every request takes exactly this long
  --token-budget <tok/s>   tokens/s the whole server decodes, shared by the streams
                           decoding at once (scaled by --speed; default: no limit)
  --ping-ms <ms>           send a ": ping" comment on open streams this often
                           (default: never)
  --jitter <x>             latency jitter, +-x (default 0.1); 0 = deterministic
  --reasoning-tokens <n>   reasoning mode: every chat answer starts with n reasoning
                           tokens (within max_tokens), streamed before the content
                           (default 0 = off)
  --reasoning-field <f>    reasoning_content (default; DeepSeek, llama.cpp) or
                           reasoning (Ollama, newer vLLM)
  --count-words            count prompt tokens as words (whitespace-separated), each
                           message's content apart (default: about 4 characters a token)
  --prefix-cache           report usage.prompt_tokens_details.cached_tokens: the longest
                           whole-word prefix shared with an earlier prompt to the model
  --ollama-prompt-count <c> whole (default: Ollama's prompt_eval_count is the whole
                           prompt, prompt_eval_cached_count the cached part) or evaluated
                           (only the tokens evaluated, as some Ollama versions report)
  -h, --help               show this help
`;

/** A bad command line: exit code 2. */
class UsageError extends LocustaError {
  constructor(message: string) {
    super('LOCUSTA_ERR_USAGE', message);
  }
  override get name(): string {
    return 'UsageError';
  }
}

function num(name: string, value: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = value.trim() === '' ? NaN : Number(value);
  if (!check(n)) throw new UsageError(`--${name} must be ${what}, got '${value}'`);
  return n;
}

/** `--count-words`: one token a whitespace-separated word. */
function countWords(text: string): number {
  let n = 0;
  for (const word of text.split(/\s+/)) if (word !== '') n++;
  return n;
}

/** Parses CLI arguments into server options; throws on a bad option. */
export function parseCliArgs(argv: readonly string[]): { help: boolean; options: MockServerOptions } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        capacity: { type: 'string' },
        speed: { type: 'string' },
        'error-rate': { type: 'string' },
        seed: { type: 'string' },
        'fixed-latency-ms': { type: 'string' },
        'token-budget': { type: 'string' },
        'ping-ms': { type: 'string' },
        jitter: { type: 'string' },
        'reasoning-tokens': { type: 'string' },
        'reasoning-field': { type: 'string' },
        'count-words': { type: 'boolean' },
        'prefix-cache': { type: 'boolean' },
        'ollama-prompt-count': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(messageOf(err));
  }
  const options: MockServerOptions = { host: values.host ?? '127.0.0.1', port: 8000 };
  if (values.host !== undefined && values.host.trim() === '') throw new UsageError('--host must not be empty');
  const port = num('port', values.port, (n) => Number.isInteger(n) && n >= 0 && n <= 65535, 'an integer between 0 and 65535');
  if (port !== undefined) options.port = port;
  const capacity = num('capacity', values.capacity, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1');
  if (capacity !== undefined) options.capacity = capacity;
  const speed = num('speed', values.speed, (n) => Number.isFinite(n) && n > 0, 'a number > 0');
  if (speed !== undefined) options.speed = speed;
  const errorRate = num('error-rate', values['error-rate'], (n) => n >= 0 && n <= 1, 'a number between 0 and 1');
  if (errorRate !== undefined) options.errorRate = errorRate;
  const seed = num('seed', values.seed, (n) => Number.isSafeInteger(n), 'an integer');
  if (seed !== undefined) options.seed = seed;
  const fixed = num('fixed-latency-ms', values['fixed-latency-ms'], (n) => Number.isFinite(n) && n >= 0, 'a number >= 0');
  if (fixed !== undefined) options.fixedLatencyMs = fixed;
  const budget = num('token-budget', values['token-budget'], (n) => Number.isFinite(n) && n > 0, 'a number > 0');
  if (budget !== undefined) options.tokenBudget = budget;
  const ping = num('ping-ms', values['ping-ms'], (n) => Number.isFinite(n) && n >= 1, 'a number >= 1');
  if (ping !== undefined) options.pingIntervalMs = ping;
  const jitter = num('jitter', values.jitter, (n) => n >= 0 && n < 1, 'a number in [0, 1)');
  if (jitter !== undefined) options.jitter = jitter;
  const reasoning = num('reasoning-tokens', values['reasoning-tokens'], (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0');
  if (reasoning !== undefined) options.reasoningTokens = reasoning;
  const field = values['reasoning-field'];
  if (field !== undefined) {
    if (field !== 'reasoning_content' && field !== 'reasoning') {
      throw new UsageError(`--reasoning-field must be reasoning_content or reasoning, got '${field}'`);
    }
    options.reasoningField = field;
  }
  if (values['count-words']) options.countTokens = countWords;
  if (values['prefix-cache']) options.prefixCache = true;
  const promptCount = values['ollama-prompt-count'];
  if (promptCount !== undefined) {
    if (promptCount !== 'whole' && promptCount !== 'evaluated') throw new UsageError(`--ollama-prompt-count must be whole or evaluated, got '${promptCount}'`);
    options.ollamaPromptCount = promptCount;
  }
  return { help: values.help === true, options };
}

/**
 * Runs the CLI. Resolves with the exit code once the server has stopped (SIGINT, SIGTERM or
 * `io.signal`): 0 after a clean stop or `--help`, 2 for a bad option, 1 if it cannot listen.
 */
export async function runCli(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;

  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (err) {
    const message = messageOf(err);
    stderr.write(`locusta-mock-openai: ${message.split('\n')[0]} (see --help)\n`);
    return 2;
  }
  if (parsed.help) {
    stdout.write(USAGE);
    return 0;
  }

  let server;
  try {
    server = await createMockServer(parsed.options);
  } catch (err) {
    const message = messageOf(err);
    stderr.write(`locusta-mock-openai: cannot start: ${message.split('\n')[0]}\n`);
    return err instanceof RangeError ? 2 : 1;
  }
  stdout.write(`Mock OpenAI server listening on ${server.url}\n`);

  await new Promise<void>((resolve) => {
    const handleSignals = io.handleSignals ?? true;
    const stop = (): void => {
      if (handleSignals) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      io.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (handleSignals) {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
    if (io.signal?.aborted) stop();
    else io.signal?.addEventListener('abort', stop, { once: true });
  });
  await server.close();
  return 0;
}
