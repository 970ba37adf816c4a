// What `locusta init` writes: a starter user file, the tsconfig.json that type-checks it in an
// editor and with `tsc`, and a locust.conf that both Locust and Locusta read.

export const STARTER_LOCUSTFILE = `import { HttpUser, between, task } from 'locusta';

/**
 * A visitor of the site under test. Run it with \`npx locusta\` (the settings are in locust.conf),
 * or headless for CI: \`npx locusta --headless -u 10 -r 2 -t 1m --slo 'p95<500' --junit junit.xml\`.
 */
export class WebsiteUser extends HttpUser {
  // Each user waits 1 to 3 s between tasks.
  waitTime = between(1, 3);

  // Three times as often as the task below.
  @task(3)
  async home() {
    await this.client.get('/');
  }

  @task
  async health() {
    // An answer with a 4xx or 5xx status counts as a failure.
    await this.client.get('/health', { name: '/health' });
  }
}
`;

export const STARTER_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023', 'esnext.decorators'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
    include: ['*.ts'],
  },
  null,
  2,
)}\n`;

export const STARTER_CONF = `# Read by \`npx locusta\` (and by Locust): the command line wins over this file.
locustfile = locustfile.ts
host = http://127.0.0.1:8080
users = 10
spawn-rate = 2
# headless
# run-time = 1m
# slo = [p95<500, fail_ratio<0.01]
# junit = junit.xml
`;
