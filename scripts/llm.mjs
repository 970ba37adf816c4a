// `npm run llm`: streamed chat against the mock OpenAI-compatible server, stepped up until p99
// passes one second, with token metrics (TTFT, ITL, TPOT, tokens/s), goodput, CSVs and an HTML
// report in llm-output/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '../packages/mock-openai/dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createMockServer({ port: 0, capacity: 200, speed: 30, seed: 1, tokenBudget: 400 });
console.log(`Mock OpenAI server on ${server.url}`);

const args = [
  'packages/locusta/bin/locusta.js',
  '-f', 'examples/llm-streaming/locustfile.ts',
  '-H', server.url,
  '--headless', '-u', '80', '-r', '20', '-s', '10',
  '--step-users', '10', '--step-time', '12s', '--step-settle', '4s', '--slo', 'p99<1000',
  '--goodput', 'ttft:500', 'tpot:50',
  '--csv', 'llm-output/run', '--html', 'llm-output/report.html', '--histogram', '--only-summary',
];
console.log(`$ locusta ${args.slice(1).join(' ')}`);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
const counters = server.counters();
await server.close();
console.log(`\nThe server streamed ${counters.completionTokens} completion tokens.`);
console.log('LLM metrics: llm-output/run_llm.csv; steps: llm-output/run_steps.csv; report: llm-output/report.html');
process.exit(code === 0 || code === 1 ? 0 : code);
