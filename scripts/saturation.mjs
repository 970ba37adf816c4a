// `npm run saturation`: the question of the inference example, answered in one command. Starts
// the mock OpenAI-compatible server, steps realistic chat traffic up by 15 users every 12 s to
// 90 users, judges each step on its own window against p99 < 1 s, and writes the steps, the CSVs
// and an HTML report (histograms, percentile spectra, charts) to saturation-output/.
import { runAgainstMock } from './against-mock.mjs';

await runAgainstMock(
  { capacity: 200, speed: 18, seed: 1 },
  'examples/saturation/locustfile.ts',
  [
    '--headless', '-u', '90', '-r', '30', '-s', '10',
    '--step-users', '15', '--step-time', '12s', '--step-settle', '4s', '--slo', 'p99<1000',
    '--csv', 'saturation-output/run', '--html', 'saturation-output/report.html', '--histogram', '--only-summary',
  ],
  () => ['Steps: saturation-output/run_steps.csv; report: saturation-output/report.html'],
);
