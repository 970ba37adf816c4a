import { EventEmitter, once } from 'node:events';
import { between, constant, Environment, Events, LocustaError, StopUser, task, UserKilled } from '@locusta/core';
import { bodyOf, echo, recordRequests, serve, testEnvironment } from '@locusta/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { HttpUser } from './http-user.ts';

const NO_HOST =
  'You must specify the base host. Either in the host attribute in the User class, or on the command line using the --host option.';

describe('HttpUser host', () => {
  it('prefers --host, then the instance field, then the static host', async () => {
    const a = await serve(echo);
    const b = await serve(echo);
    const c = await serve(echo);
    class FieldUser extends HttpUser {
      override host = b;
    }
    class StaticUser extends HttpUser {
      static override host = c;
    }
    class BothUser extends HttpUser {
      static override host = c;
      override host = b;
    }
    const cases: Array<[HttpUser, string]> = [
      [new FieldUser(testEnvironment({ host: a })), a],
      [new FieldUser(testEnvironment()), b],
      [new StaticUser(testEnvironment()), c],
      [new BothUser(testEnvironment()), b],
    ];
    for (const [user, expected] of cases) {
      onTestFinished(() => user.client.close(true));
      expect(user.client.baseUrl).toBe(expected);
      expect((await user.client.get('/')).url).toBe(`${expected}/`);
    }
  });

  it('reports the host problem from checkConfig', () => {
    class NoHost extends HttpUser {}
    class FieldHost extends HttpUser {
      override host = 'http://127.0.0.1:8000';
    }
    class BadHost extends HttpUser {
      static override host = 'ftp://files.test';
    }
    expect(NoHost.checkConfig(new Environment())).toBe(NO_HOST);
    expect(FieldHost.checkConfig(new Environment())).toBeUndefined();
    expect(BadHost.checkConfig(new Environment())).toBe(
      "Invalid host 'ftp://files.test': expected a URL such as http://127.0.0.1:8000",
    );
    expect(NoHost.checkConfig(new Environment({ host: 'localhost:8000' }))).toBe(
      "Invalid host 'localhost:8000': expected a URL such as http://127.0.0.1:8000",
    );
    expect(BadHost.checkConfig(new Environment({ host: 'https://api.test' }))).toBeUndefined();
  });

  it('throws the host problem on first use of the client', () => {
    class NoHost extends HttpUser {}
    const user = new NoHost(new Environment({ events: new Events() }));
    try {
      void user.client;
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LocustaError);
      expect((err as LocustaError).code).toBe('LOCUSTA_ERR_HOST');
      expect((err as Error).message).toBe(NO_HOST);
    }
  });

  it('sends user:pass@ from the host as basic auth', async () => {
    const origin = await serve(echo);
    const env = testEnvironment({ host: origin.replace('http://', 'http://me:s%20cret@') });
    const user = new (class extends HttpUser {})(env);
    onTestFinished(() => user.client.close(true));
    const seen = (await user.client.get('/')).json();
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('me:s cret').toString('base64')}`);
  });
});

describe('HttpUser lifecycle', () => {
  it('starts the next task without another event-loop turn at a zero wait after a response, and yields after a task without one', async () => {
    const origin = await serve(echo);
    // Per task: whether an immediate queued at the end of the task before it had run by its start.
    const seen: Array<[string, boolean]> = [];
    let ran = false;
    class Loop extends HttpUser {
      waitTime = constant(0);
      n = 0;
      @task async step() {
        const n = ++this.n;
        if (n > 1) seen.push([n % 2 === 0 ? 'after a response' : 'after no I/O', ran]);
        if (n > 5) throw new StopUser();
        if (n % 2 === 1) await this.client.get('/');
        ran = false;
        setImmediate(() => (ran = true));
      }
    }
    await new Loop(testEnvironment({ host: origin })).run();
    expect(seen).toEqual([
      ['after a response', false],
      ['after no I/O', true],
      ['after a response', false],
      ['after no I/O', true],
      ['after a response', false],
    ]);
  });

  it('fires no event for a request the runner killed mid-flight, nor after', async () => {
    const arrived = new EventEmitter();
    const origin = await serve(() => void arrived.emit('request'));
    const env = testEnvironment({ host: origin });
    const requests = recordRequests(env);
    const user = new (class extends HttpUser {})(env);
    const pending = user.client.get('/slow');
    await once(arrived, 'request');
    user.kill();
    await expect(pending).rejects.toBeInstanceOf(UserKilled);
    await expect(user.client.get('/again')).rejects.toBeInstanceOf(UserKilled);
    expect(requests).toEqual([]);
  });

  it('fires no event when the user is killed during an async catchResponse', async () => {
    const origin = await serve(echo);
    const env = testEnvironment({ host: origin });
    const requests = recordRequests(env);
    const user = new (class extends HttpUser {})(env);
    const pending = user.client.get('/', {
      catchResponse: async (r) => {
        user.kill();
        await Promise.resolve();
        r.success();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(UserKilled);
    expect(requests).toEqual([]);
  });

  it('closes its connections after onStop and reopens them if used again', async () => {
    const origin = await serve(echo);
    const env = testEnvironment({ host: origin });
    const requests = recordRequests(env);
    class OneShot extends HttpUser {
      static override tasks = [
        async function (this: OneShot) {
          await this.client.get('/task');
          this.stop();
        },
      ];
    }
    const user = new OneShot(env);
    await user.run();
    expect(user.state).toBe('stopped');
    expect(requests.map((r) => r.name)).toEqual(['/task']);
    expect((await user.client.get('/after')).status).toBe(200);
    user.client.close();
  });

  it('runs the user-facing example unchanged', async () => {
    const origin = await serve(async (req, res) => {
      const body = JSON.parse(await bodyOf(req));
      const auth = req.headers.authorization === 'Bearer test-key';
      res.writeHead(auth ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body.model === 'm1' ? { content: 'hello' } : { other: true }));
    });
    // The inference example's class, unchanged.
    class InferenceUser extends HttpUser {
      waitTime = between(1, 3);
      headers: Record<string, string> = {};
      override async onStart() {
        this.headers = { Authorization: 'Bearer test-key', 'Content-Type': 'application/json' };
      }
      @task
      async completions() {
        await this.client.post('/v1/chat/completions', {
          json: { model: this.environment.parsedOptions.model, messages: [{ role: 'user', content: 'hi' }] },
          headers: this.headers,
          catchResponse: (response) => {
            if (response.status === 200) {
              if ('content' in response.json()) response.success();
              else response.failure('Missing content field');
            } else if (response.status === 503) response.success();
            else response.failure(`Unexpected status: ${response.status}`);
          },
        });
      }
    }
    const events = new Events();
    const seen: unknown[] = [];
    events.request.addListener((e) => void seen.push(e.exception && (e.exception as Error).message));
    for (const model of ['m1', 'm2']) {
      const user = new InferenceUser(new Environment({ host: origin, events, parsedOptions: { model } }));
      onTestFinished(() => user.client.close(true));
      await user.onStart();
      await user.completions();
    }
    expect(seen).toEqual([undefined, 'Missing content field']);
  });
});
