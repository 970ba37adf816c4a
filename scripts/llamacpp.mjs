// `npm run llamacpp`: llama.cpp server's native /completion (streamed SSE, the server's timings in
// the last chunk) against the mock server, with token metrics in llamacpp-output/.
import { runAgainstMock } from './against-mock.mjs';

await runAgainstMock(
  { capacity: 64, speed: 10, seed: 1 },
  'examples/llamacpp/locustfile.ts',
  ['--headless', '-u', '10', '-r', '5', '-t', '20s', '-s', '10', '--csv', 'llamacpp-output/run', '--only-summary'],
  (served) => [
    `The server generated ${served.completionTokens} tokens.`,
    'LLM metrics: llamacpp-output/run_llm.csv; the server\'s timings: llamacpp-output/run_llamacpp.csv',
  ],
);
