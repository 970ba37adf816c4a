// `npm run ollama`: a thinking model on Ollama's native API (streamed NDJSON, thinking before the
// answer) against the mock server, with token metrics in ollama-output/.
import { runAgainstMock } from './against-mock.mjs';

await runAgainstMock(
  { capacity: 64, speed: 10, seed: 1 },
  'examples/ollama/locustfile.ts',
  ['--headless', '-u', '10', '-r', '5', '-t', '20s', '-s', '10', '--csv', 'ollama-output/run', '--only-summary'],
  (served) => [
    `The server generated ${served.completionTokens} tokens (thinking included).`,
    'LLM metrics: ollama-output/run_llm.csv',
  ],
);
