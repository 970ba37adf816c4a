import type { ServerResponse } from 'node:http';
import { LocustaError, RescheduleTask, UserKilled } from '@locusta/core';
import { bodyOf, freePort, serve } from '@locusta/test-support';
import { describe, expect, it, vi } from 'vitest';
import { userFor } from '../test-support/user-for.ts';
import type { ServerSentEvent } from './sse-parser.ts';
import { StreamedResponse } from './streamed-response.ts';

/** A promise with its resolve function, to make server and client take turns. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('stream: true', () => {
  it('resolves at the headers and records the request at the last byte', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      await bodyOf(req);
      sseHead(res);
      res.write('part one\n');
      await more.promise;
      res.end('part two\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.post('/gen', { json: { q: 1 }, stream: true });
    expect(response).toBeInstanceOf(StreamedResponse);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.timings.ttfb).not.toBeNull();
    expect(response.timings.end).toBeNull();
    expect(response.done).toBe(false);

    const seen: string[] = [];
    for await (const line of response.lines()) {
      seen.push(line);
      // The first line is read while the server still holds the rest: nothing is recorded yet.
      if (seen.length === 1) {
        expect(requests).toHaveLength(0);
        more.open();
      }
    }
    expect(seen).toEqual(['part one', 'part two']);
    expect(requests).toHaveLength(1);
    const [event] = requests;
    expect(event).toMatchObject({ requestType: 'POST', name: '/gen', responseLength: 18, exception: undefined, response });
    expect(event!.responseTime).toBe(response.elapsed);
    const { timings } = response;
    expect(timings.end).toBe(response.elapsed);
    expect(timings.ttfb).toBeLessThanOrEqual(timings.firstChunk!);
    expect(timings.firstChunk).toBeLessThanOrEqual(timings.end!);
    expect(response.size).toBe(18);
    expect(response.done).toBe(true);
  });

  it('reads server-sent events, counts pings and marks the first token once', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write(': ping\n\n');
      res.write('data: {"delta":"Hel');
      res.write('lo"}\n\ndata: {"delta":" wörld"}\n');
      res.write('\n: ping\n\nevent: usage\ndata: {"tokens":2}\n\ndata: [DONE]\n\n');
      res.end();
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/sse', { stream: true });
    const events: ServerSentEvent[] = [];
    let firstToken: number | undefined;
    for await (const event of response.events()) {
      events.push(event);
      if (event.data.startsWith('{"delta"')) {
        const at = response.markFirstToken();
        firstToken ??= at;
      }
    }
    expect(events).toEqual([
      { data: '{"delta":"Hello"}' },
      { data: '{"delta":" wörld"}' },
      { event: 'usage', data: '{"tokens":2}' },
      { data: '[DONE]' },
    ]);
    expect(response.comments).toBe(2);
    expect(response.timings.firstToken).toBe(firstToken);
    expect(response.timings.firstToken).toBeGreaterThanOrEqual(response.timings.firstChunk!);
    expect(requests).toHaveLength(1);
  });

  it('yields the raw chunks, multibyte characters split across them decode in lines()', async () => {
    const text = Buffer.from('ü🚀\r\nnext\rlast');
    const origin = await serve(async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // One byte per write, each flushed before the next.
      for (const byte of text) {
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    const { client } = userFor(origin);
    const lines = await collect((await client.get('/', { stream: true })).lines());
    expect(lines).toEqual(['ü🚀', 'next', 'last']);
    const chunks = await collect((await client.get('/', { stream: true })).chunks());
    expect(Buffer.concat(chunks)).toEqual(text);
  });

  it('ndjson() yields the values of an NDJSON body written one byte at a time, a bad line as a failure', async () => {
    const text = Buffer.from('{"response":"ü"}\r\n\n{"response":"🚀"\nnot json\n{"done":true}');
    const origin = await serve(async (req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const byte of text) {
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    const { client, requests } = userFor(origin);
    const items = await collect((await client.get('/', { stream: true })).ndjson());
    expect(items.map((item) => (item.ok ? item.value : item.line))).toEqual([
      { response: 'ü' },
      '{"response":"🚀"',
      'not json',
      { done: true },
    ]);
    expect(items.map((item) => item.ok)).toEqual([true, false, false, true]);
    expect(requests).toHaveLength(1);
  });

  it('records a body nobody reads once it ends, exactly once', async () => {
    const origin = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('a');
      setImmediate(() => res.end('bc'));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/ignored', { stream: true });
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]).toMatchObject({ name: '/ignored', responseLength: 3, exception: undefined });
    // The body was kept: it can still be read, and reading it records nothing more.
    expect(Buffer.concat(await collect(response.chunks())).toString()).toBe('abc');
    response.close();
    expect(requests).toHaveLength(1);
  });

  it('records an answer that came whole with its headers before returning it', async () => {
    const origin = await serve((req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":"busy"}');
    });
    const { client, requests } = userFor(origin);
    const response = await client.post('/', { json: {}, stream: true, name: 'busy' });
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).message).toBe('503 Server Error: Service Unavailable for url: busy');
    expect(response.status).toBe(503);
    expect(Buffer.concat(await collect(response.chunks())).toString()).toBe('{"error":"busy"}');
  });

  it('readEvents() hands each event with the arrival time of its bytes, split at every byte', async () => {
    const body = Buffer.from(': ping\n\ndata: {"c":"Hé"}\n\ndata: {"c":"🚀"}\r\n\r\nevent: usage\ndata: {"u":2}\n\ndata: [DONE]\n\n');
    const origin = await serve(async (req, res) => {
      sseHead(res);
      // One byte per write, each flushed before the next: every boundary falls inside something.
      for (const byte of body) {
        res.write(Buffer.of(byte));
        await new Promise((resolve) => setImmediate(resolve));
      }
      res.end();
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/sse', { stream: true });
    const seen: Array<{ event: ServerSentEvent; at: number }> = [];
    await response.readEvents((event, at) => {
      seen.push({ event, at });
    });
    expect(seen.map((s) => s.event)).toEqual([{ data: '{"c":"Hé"}' }, { data: '{"c":"🚀"}' }, { event: 'usage', data: '{"u":2}' }, { data: '[DONE]' }]);
    expect(response.comments).toBe(1);
    // Times are in order, after the first byte, and before the end of the body.
    const times = seen.map((s) => s.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(times[0]).toBeGreaterThanOrEqual(response.timings.firstChunk!);
    expect(times.at(-1)).toBeLessThanOrEqual(response.timings.end!);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.responseLength).toBe(body.length);
  });

  it('readEvents() times an event by the arrival of its bytes, not by when the reader got to it', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.end('data: a\n\ndata: b\n\n');
    });
    const { client } = userFor(origin);
    const response = await client.get('/sse', { stream: true });
    // The body arrives while this reader is busy elsewhere.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = performance.now() - response.timings.start;
    const times: number[] = [];
    await response.readEvents((_event, at) => {
      times.push(at);
    });
    expect(times).toHaveLength(2);
    for (const at of times) expect(at).toBeLessThan(before);
  });

  it('readEvents() stops when the callback returns false; the rest is read and recorded at the real end', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      await more.promise;
      res.end('data: 2\n\ndata: [DONE]\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/', { stream: true });
    const seen: string[] = [];
    await response.readEvents((event) => {
      seen.push(event.data);
      return false;
    });
    expect(seen).toEqual(['1']);
    expect(requests).toHaveLength(0);
    more.open();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.responseLength).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n'.length);
    await expect(response.readEvents(() => undefined)).resolves.toBeUndefined();
  });

  it('reads the rest in the background after a break, recording at the real end', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      await more.promise;
      res.end('data: 2\n\ndata: [DONE]\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/', { stream: true });
    for await (const event of response.events()) {
      expect(event.data).toBe('1');
      break;
    }
    expect(requests).toHaveLength(0);
    more.open();
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.responseLength).toBe('data: 1\n\ndata: 2\n\ndata: [DONE]\n\n'.length);
    expect(requests[0]!.exception).toBeUndefined();
    expect(response.error).toBeUndefined();
  });

  it('reuses the connection after a body read to its end', async () => {
    const sockets = new Set<unknown>();
    const origin = await serve((req, res) => {
      sockets.add(req.socket);
      sseHead(res);
      res.end('data: x\n\ndata: [DONE]\n\n');
    });
    const { client, requests } = userFor(origin);
    for (let i = 0; i < 3; i++) {
      const response = await client.post('/', { json: {}, stream: true });
      for await (const event of response.events()) if (event.data === '[DONE]') break;
    }
    await vi.waitFor(() => expect(requests).toHaveLength(3));
    expect(sockets.size).toBe(1);
  });

  it('close() abandons the body at once and records what was received', async () => {
    const serverSawClose = gate();
    const origin = await serve((req, res) => {
      if (req.url === '/after') return void res.end('ok');
      res.on('close', serverSawClose.open);
      sseHead(res);
      res.write('data: 1\n\n'); // and never more
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/endless', { stream: true });
    for await (const event of response.events()) {
      expect(event.data).toBe('1');
      response.close();
    }
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ name: '/endless', responseLength: 9, exception: undefined });
    expect(response.timings.end).toBe(response.elapsed);
    await serverSawClose.promise;
    response.close();
    expect(requests).toHaveLength(1);
    expect((await client.get('/after')).text()).toBe('ok');
  });

  it('records a connection broken mid-body as a failure without throwing; the status stays', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n', () => setImmediate(() => res.socket!.destroy()));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/broken', { stream: true });
    const events = await collect(response.events());
    expect(events).toEqual([{ data: '1' }]);
    expect(response.status).toBe(200);
    expect(response.error?.name).toBe('ConnectionResetError');
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBe(response.error);
    expect(requests[0]!.responseLength).toBe(9);
  });

  it('times out a body that stalls between chunks', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/stall', { stream: true, timeout: 0.2 });
    expect(await collect(response.lines())).toEqual(['data: 1', '']);
    expect(response.status).toBe(200);
    expect(response.error?.name).toBe('TimeoutError');
    expect(response.error?.message).toContain('timeout=0.2');
    expect((requests[0]!.exception as Error).name).toBe('TimeoutError');
  });

  it('gives status 0 and records at once when no response comes', async () => {
    const port = await freePort();
    const { client, requests } = userFor(`http://127.0.0.1:${port}`);
    const response = await client.post('/down', { json: {}, stream: true });
    expect(response.status).toBe(0);
    expect(response.error?.name).toBe('ConnectionRefusedError');
    expect(response.timings.ttfb).toBeNull();
    expect(response.timings.end).toBe(response.elapsed);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBe(response.error);
    expect(await collect(response.events())).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('follows redirects and streams the final response', async () => {
    const origin = await serve((req, res) => {
      if (req.url === '/start') return void res.writeHead(302, { location: '/final' }).end('moved');
      sseHead(res);
      res.end('data: here\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/start', { stream: true });
    expect(response.url).toBe(`${origin}/final`);
    expect(await collect(response.events())).toEqual([{ data: 'here' }]);
    expect(requests.map((r) => [r.name, r.responseLength])).toEqual([['/start', 12]]);
  });

  it('keeps two held streams on separate connections', async () => {
    const both = gate();
    let arrived = 0;
    const origin = await serve(async (req, res) => {
      sseHead(res);
      res.write(`data: ${req.url}\n\n`);
      if (++arrived === 2) both.open();
      await both.promise;
      res.end();
    });
    const { client } = userFor(origin);
    const a = await client.get('/a', { stream: true });
    const b = await client.get('/b', { stream: true });
    expect(await collect(b.events())).toEqual([{ data: '/b' }]);
    expect(await collect(a.events())).toEqual([{ data: '/a' }]);
  });

  it('reads a body larger than the read-ahead limit through pauses', async () => {
    const size = 3 * 1024 * 1024 + 7;
    const origin = await serve((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.alloc(size, 1));
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/big', { stream: true });
    let total = 0;
    for await (const chunk of response.chunks()) {
      if (total === 0) {
        // A slow reader: the connection stops at the limit instead of buffering the rest.
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(response.size).toBeLessThan(size);
        expect(requests).toHaveLength(0);
      }
      total += chunk.length;
    }
    expect(total).toBe(size);
    expect(requests[0]!.responseLength).toBe(size);
    // Unread, the same body is read to its end and recorded.
    const unread = await client.get('/big', { stream: true });
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(unread.size).toBe(size);
    expect(requests[1]!.responseLength).toBe(size);
  });

  it('refuses text() and a second reader at once', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.end('data: 1\n\n');
    });
    const { client } = userFor(origin);
    const response = await client.get('/', { stream: true });
    expect(() => response.text()).toThrow(LocustaError);
    const first = response.chunks();
    await first.next();
    await expect(response.lines().next()).rejects.toThrow(/already being read/);
    await first.return(undefined);
  });
});

describe('stream: true with catchResponse', () => {
  it('judges after reading the stream and records on return', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.end('data: {"text":"hi"}\n\ndata: [DONE]\n\n');
    });
    const { client, requests } = userFor(origin);
    let recordedInside = -1;
    const response = await client.post('/', {
      json: {},
      stream: true,
      catchResponse: async (r) => {
        const events = await collect(r.events());
        recordedInside = requests.length;
        if (events.at(-1)?.data !== '[DONE]') r.success();
        else r.failure('ended with [DONE]');
      },
    });
    expect(recordedInside).toBe(0);
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).message).toBe('ended with [DONE]');
    expect(requests[0]!.responseLength).toBe(response.size);
    expect(response.done).toBe(true);
  });

  it('reads what the callback left to the end before recording', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      res.writeHead(500, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      await more.promise;
      res.end('data: 2\n\n');
    });
    const { client, requests } = userFor(origin);
    const pending = client.get('/', {
      stream: true,
      catchResponse: async (r) => {
        for await (const event of r.events()) {
          expect(event.data).toBe('1');
          break;
        }
        r.success();
        more.open();
      },
    });
    const response = await pending;
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBeUndefined();
    expect(requests[0]!.responseLength).toBe(18);
    expect(response.timings.end).toBe(response.elapsed);
  });

  it('falls back to the status and a mid-body error when the callback marks nothing', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n', () => setImmediate(() => res.socket!.destroy()));
    });
    const { client, requests } = userFor(origin);
    await client.get('/', { stream: true, catchResponse: async (r) => void (await collect(r.chunks())) });
    expect((requests[0]!.exception as Error).name).toBe('ConnectionResetError');
  });

  it('records, then rethrows a control-flow signal from the callback', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.end('data: 1\n\n');
    });
    const { client, requests } = userFor(origin);
    await expect(
      client.get('/', {
        stream: true,
        catchResponse: (r) => {
          r.failure('bad');
          throw new RescheduleTask();
        },
      }),
    ).rejects.toBeInstanceOf(RescheduleTask);
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).message).toBe('bad');
  });
});

describe('stream: true and the user lifecycle', () => {
  it('ends a reading loop with UserKilled when the user is killed, recording nothing', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
    });
    const { user, client, requests } = userFor(origin);
    const response = await client.get('/', { stream: true });
    const reading = (async () => {
      for await (const event of response.events()) {
        expect(event.data).toBe('1');
        user.kill();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(UserKilled);
    expect(requests).toEqual([]);
  });

  it('readEvents() ends with UserKilled when the user is killed between chunks, recording nothing', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      await more.promise;
      res.write('data: 2\n\n');
    });
    const { user, client, requests } = userFor(origin);
    const response = await client.get('/', { stream: true });
    const seen: string[] = [];
    const reading = response.readEvents((event) => {
      seen.push(event.data);
      if (seen.length === 1) {
        user.kill();
        more.open();
      }
    });
    await expect(reading).rejects.toBeInstanceOf(UserKilled);
    expect(seen).toEqual(['1']);
    expect(requests).toEqual([]);
  });

  it('readEvents() rethrows what its callback threw, and the body is still recorded at its end', async () => {
    const more = gate();
    const origin = await serve(async (req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
      await more.promise;
      res.end('data: 2\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/', { stream: true });
    // Let the first event arrive first, so that the second goes through the in-step path.
    const reading = response.readEvents((event) => {
      if (event.data === '1') {
        more.open();
        return;
      }
      throw new Error('bad chunk');
    });
    await expect(reading).rejects.toThrow('bad chunk');
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.responseLength).toBe('data: 1\n\ndata: 2\n\n'.length);
  });

  it('closes and records the streams still open when the session closes', async () => {
    const origin = await serve((req, res) => {
      sseHead(res);
      res.write('data: 1\n\n');
    });
    const { client, requests } = userFor(origin);
    const response = await client.get('/held', { stream: true });
    await vi.waitFor(() => expect(response.size).toBe(9));
    client.close();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ name: '/held', responseLength: 9, exception: undefined });
    expect(response.done).toBe(true);
  });
});
