// `npm run demo`: starts the mock OpenAI-compatible server, runs the inference example against
// it headless for about 15 s, and leaves the CSVs in demo-output/.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '../packages/mock-openai/dist/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const server = await createMockServer({ port: 0, capacity: 12, speed: 4, seed: 1 });
console.log(`Mock OpenAI server on ${server.url}`);

const args = [
  'packages/locusta/bin/locusta.js',
  '-f', 'examples/inference/locustfile.ts',
  '-H', server.url,
  '--headless', '-u', '40', '-r', '4', '-t', '15s', '-s', '10',
  '--model', 'llama3.1:8b',
  '--csv', 'demo-output/inference',
];
console.log(`$ locusta ${args.slice(1).join(' ')}`);
const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
const served = server.counters();
await server.close();
console.log(`\nThe server answered ${served.requests} requests (by status: ${JSON.stringify(served.byStatus)}); locusta exited with code ${code}.`);
console.log('CSV files: demo-output/inference_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv');
// Failed requests give a non-zero exit code as in Locust; the demo itself succeeded if locusta ran.
process.exit(code === 0 || code === 1 ? 0 : code);
