// `npm run demo`: starts the mock OpenAI-compatible server, runs the inference example against
// it headless for about 15 s, and leaves the CSVs in demo-output/.
import { runAgainstMock } from './against-mock.mjs';

await runAgainstMock(
  { capacity: 12, speed: 4, seed: 1 },
  'examples/inference/locustfile.ts',
  ['--headless', '-u', '40', '-r', '4', '-t', '15s', '-s', '10', '--model', 'llama3.1:8b', '--csv', 'demo-output/inference'],
  (served, code) => [
    `The server answered ${served.requests} requests (by status: ${JSON.stringify(served.byStatus)}); locusta exited with code ${code}.`,
    'CSV files: demo-output/inference_stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv',
  ],
);
