// `npm run saturation`: the question of the inference example, answered in one command. Starts
// the mock OpenAI-compatible server, steps realistic chat traffic up by 15 users every 12 s to
// 90 users, judges each step on its own window against p99 < 1 s, and writes the steps, the CSVs
// and an HTML report (histograms, percentile spectra, charts) to saturation-output/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '../packages/mock-openai/dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createMockServer({ port: 0, capacity: 200, speed: 18, seed: 1 });
console.log(`Mock OpenAI server on ${server.url}`);

const args = [
  'packages/locusta/bin/locusta.js',
  '-f', 'examples/saturation/locustfile.ts',
  '-H', server.url,
  '--headless', '-u', '90', '-r', '30', '-s', '10',
  '--step-users', '15', '--step-time', '12s', '--step-settle', '4s', '--slo', 'p99<1000',
  '--csv', 'saturation-output/run', '--html', 'saturation-output/report.html', '--histogram', '--only-summary',
];
console.log(`$ locusta ${args.slice(1).join(' ')}`);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
await server.close();
console.log('\nSteps: saturation-output/run_steps.csv; report: saturation-output/report.html');
process.exit(code === 0 || code === 1 ? 0 : code);
