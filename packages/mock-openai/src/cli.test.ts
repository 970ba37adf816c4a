import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs, runCli } from './index.ts';

const pkgDir = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(pkgDir, 'bin', 'mock-openai.js');

function sink(): { write(text: string): void; text(): string } {
  let out = '';
  return { write: (t: string) => void (out += t), text: () => out };
}

describe('parseCliArgs', () => {
  it('has the documented defaults', () => {
    expect(parseCliArgs([])).toEqual({ help: false, options: { host: '127.0.0.1', port: 8000 } });
  });

  it('parses every option', () => {
    const { options } = parseCliArgs([
      '--host', '0.0.0.0', '--port', '0', '--capacity', '8', '--speed', '2.5',
      '--error-rate', '0.1', '--seed', '7', '--fixed-latency-ms', '20',
      '--token-budget', '800', '--ping-ms', '250', '--jitter', '0', '--reasoning-tokens', '40', '--reasoning-field', 'reasoning',
    ]);
    expect(options).toEqual({
      host: '0.0.0.0', port: 0, capacity: 8, speed: 2.5, errorRate: 0.1, seed: 7, fixedLatencyMs: 20,
      tokenBudget: 800, pingIntervalMs: 250, jitter: 0, reasoningTokens: 40, reasoningField: 'reasoning',
    });
  });

  it('counts words and keeps a prefix cache with --count-words and --prefix-cache', () => {
    const { options } = parseCliArgs(['--count-words', '--prefix-cache']);
    expect(options.prefixCache).toBe(true);
    expect(options.countTokens?.('  the load\n test ')).toBe(3);
  });

  it('reads --ollama-prompt-count', () => {
    expect(parseCliArgs(['--ollama-prompt-count', 'evaluated']).options.ollamaPromptCount).toBe('evaluated');
    expect(() => parseCliArgs(['--ollama-prompt-count', 'some'])).toThrow("--ollama-prompt-count must be whole or evaluated, got 'some'");
  });

  it.each([
    [['--port', 'abc']],
    [['--port', '70000']],
    [['--capacity', '0']],
    [['--speed', '-1']],
    [['--error-rate', '2']],
    [['--seed', '1.5']],
    [['--token-budget', '0']],
    [['--ping-ms', '0']],
    [['--jitter', '1']],
    [['--reasoning-tokens', '-1']],
    [['--reasoning-tokens', '2.5']],
    [['--reasoning-field', 'thoughts']],
    [['--nope']],
    [['positional']],
  ])('rejects %j', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow();
  });
});

describe('runCli in-process', () => {
  it('prints its line, serves, and stops when told', async () => {
    const stdout = sink();
    const stderr = sink();
    const controller = new AbortController();
    const done = runCli(['--port', '0', '--speed', '50'], { stdout, stderr, signal: controller.signal, handleSignals: false });
    while (!stdout.text().includes('\n')) await new Promise((r) => setTimeout(r, 5));
    const match = /^Mock OpenAI server listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/.exec(stdout.text());
    expect(match).not.toBeNull();
    const res = await fetch(`${match![1]}/health`);
    expect(res.status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
    await expect(fetch(`${match![1]}/health`)).rejects.toThrow();
    expect(stderr.text()).toBe('');
  });

  it('returns 2 with a one-line error for a bad option', async () => {
    const stdout = sink();
    const stderr = sink();
    expect(await runCli(['--speed', 'fast'], { stdout, stderr, handleSignals: false })).toBe(2);
    expect(stderr.text()).toMatch(/^locusta-mock-openai: --speed must be a number > 0, got 'fast'.*\n$/);
    expect(stderr.text().split('\n')).toHaveLength(2);
    expect(stdout.text()).toBe('');
  });

  it('names --reasoning-field and its value in the one-line error', async () => {
    const stderr = sink();
    expect(await runCli(['--reasoning-field', 'thoughts'], { stdout: sink(), stderr, handleSignals: false })).toBe(2);
    expect(stderr.text()).toBe("locusta-mock-openai: --reasoning-field must be reasoning_content or reasoning, got 'thoughts' (see --help)\n");
  });

  it('prints usage for --help', async () => {
    const stdout = sink();
    expect(await runCli(['--help'], { stdout, handleSignals: false })).toBe(0);
    expect(stdout.text()).toMatch(/--error-rate/);
    expect(stdout.text()).toMatch(/--token-budget/);
    expect(stdout.text()).toMatch(/--ping-ms/);
    expect(stdout.text()).toMatch(/--jitter/);
    expect(stdout.text()).toMatch(/--reasoning-tokens/);
    expect(stdout.text()).toMatch(/--reasoning-field/);
  });
});

describe('bin/mock-openai.js', () => {
  beforeAll(() => {
    // The bin runs dist/; rebuild it only if it is missing or older than a source file.
    const distIndex = join(pkgDir, 'dist', 'index.js');
    const srcDir = join(pkgDir, 'src');
    const newestSrc = Math.max(...readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(srcDir, f)).mtimeMs));
    if (!existsSync(distIndex) || statSync(distIndex).mtimeMs < newestSrc) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      execFileSync(process.execPath, [tsc, '-p', join(pkgDir, 'tsconfig.json')], { stdio: 'inherit' });
    }
  });

  it('prints one line, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const lines = createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', () => reject(new Error(`exited before printing: ${stderr}`)));
      });
      const match = /^Mock OpenAI server listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first);
      expect(match).not.toBeNull();
      const res = await fetch(`${match![1]}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'llama3.2:1b', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { content: string }).content.split(' ')).toHaveLength(2);
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stderr).toBe('');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with a one-line error for a bad option', async () => {
    const child = spawn(process.execPath, [bin, '--bogus'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^locusta-mock-openai: Unknown option '--bogus'.*\n$/);
  });
});
