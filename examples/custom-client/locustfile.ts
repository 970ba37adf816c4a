import { createConnection } from 'node:net';
import { User, between, events, measure, task } from 'locusta';

events.initCommandLineParser.addListener((parser) => {
  parser.option('echo-port', { type: 'number', default: 7007, describe: 'Port of the TCP echo server' });
});

/** Sends one line over TCP and waits for it to come back. */
function echo(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${line}\n`));
    socket.on('data', (chunk) => {
      data += chunk;
      if (data.endsWith('\n')) {
        socket.end();
        resolve(data);
      }
    });
    socket.on('error', reject);
  });
}

/**
 * A User whose client is not HTTP. `measure()` times the block and fires the request event,
 * so these requests appear in the same tables and CSVs as HTTP ones.
 */
export class EchoUser extends User {
  waitTime = between(0.1, 0.5);

  @task
  async ping() {
    await measure('tcp', 'echo', async (meta) => {
      const reply = await echo(this.environment.parsedOptions.echoPort, 'ping');
      meta.responseLength = reply.length;
      if (reply.trim() !== 'ping') throw new Error(`unexpected reply ${reply.trim()}`);
    });
  }

  @task
  async manual() {
    // The same, by hand, through events.request.fire.
    const start = performance.now();
    let exception: unknown;
    try {
      await echo(this.environment.parsedOptions.echoPort, 'hello');
    } catch (err) {
      exception = err;
    }
    events.request.fire({
      requestType: 'tcp',
      name: 'echo-manual',
      responseTime: performance.now() - start,
      responseLength: 6,
      exception,
    });
  }
}
