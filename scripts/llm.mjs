// `npm run llm`: streamed chat against the mock OpenAI-compatible server, stepped up until p99
// passes one second, with token metrics (TTFT, ITL, TPOT, tokens/s), goodput, CSVs and an HTML
// report in llm-output/.
import { runAgainstMock } from './against-mock.mjs';

await runAgainstMock(
  { capacity: 200, speed: 30, seed: 1, tokenBudget: 400 },
  'examples/llm-streaming/locustfile.ts',
  [
    '--headless', '-u', '80', '-r', '20', '-s', '10',
    '--step-users', '10', '--step-time', '12s', '--step-settle', '4s', '--slo', 'p99<1000',
    '--goodput', 'ttft:500', 'tpot:50',
    '--csv', 'llm-output/run', '--html', 'llm-output/report.html', '--histogram', '--only-summary',
  ],
  (served) => [
    `The server streamed ${served.completionTokens} completion tokens.`,
    'LLM metrics: llm-output/run_llm.csv; steps: llm-output/run_steps.csv; report: llm-output/report.html',
  ],
);
