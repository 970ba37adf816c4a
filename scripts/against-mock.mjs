// Shared by the demo scripts: start the mock OpenAI-compatible server, run `locusta` with the
// given arguments against it (the server's URL after -H), and print what the server counted.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '@locusta/mock-openai';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs locusta against a fresh mock server and exits with 0 when locusta ran (exit codes 0 and 1:
 * failed requests give 1, as in Locust), else with locusta's code. `report` gets the server's
 * counters and returns the closing lines to print.
 */
export async function runAgainstMock(serverOptions, userFile, args, report) {
  const server = await createMockServer({ port: 0, ...serverOptions });
  console.log(`Mock OpenAI server on ${server.url}`);
  const argv = ['packages/locusta/bin/locusta.js', '-f', userFile, '-H', server.url, ...args];
  console.log(`$ locusta ${argv.slice(1).join(' ')}`);
  const child = spawn(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const counters = server.counters();
  await server.close();
  console.log(`\n${report(counters, code).join('\n')}`);
  process.exit(code === 0 || code === 1 ? 0 : code);
}
