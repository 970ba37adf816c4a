import { LocustaError, RescheduleTask } from '@locusta/core';
import { bodyOf, freePort, serve } from '@locusta/test-support';
import { describe, expect, it } from 'vitest';
import { userFor } from '../test-support/user-for.ts';
import type { HttpResponse } from './http-response.ts';

describe('catchResponse', () => {
  async function setup() {
    const origin = await serve(async (req, res) => {
      await bodyOf(req);
      const status = Number(new URL(req.url!, 'http://x').searchParams.get('status') ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"content":"ok"}' : '{"error":"x"}');
    });
    return userFor(origin);
  }

  it('records success() even for an error status', async () => {
    const { client, requests } = await setup();
    await client.get('/?status=503', { catchResponse: (r) => r.success() });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.exception).toBeUndefined();
  });

  it('records failure(text) as a CatchResponseError', async () => {
    const { client, requests } = await setup();
    await client.get('/', { catchResponse: (r) => r.failure('Missing content field') });
    const error = requests[0]!.exception as Error;
    expect(error.name).toBe('CatchResponseError');
    expect(error.message).toBe('Missing content field');
  });

  it('keeps an Error given to failure()', async () => {
    const { client, requests } = await setup();
    const reason = new RangeError('too slow');
    await client.get('/', { catchResponse: (r) => r.failure(reason) });
    expect(requests[0]!.exception).toBe(reason);
  });

  it('lets the last call win', async () => {
    const { client, requests } = await setup();
    await client.get('/', {
      catchResponse: (r) => {
        r.failure('first');
        r.success();
      },
    });
    await client.get('/', {
      catchResponse: (r) => {
        r.success();
        r.failure('second');
      },
    });
    expect(requests[0]!.exception).toBeUndefined();
    expect((requests[1]!.exception as Error).message).toBe('second');
  });

  it('records a throw inside the callback as the failure', async () => {
    const { client, requests } = await setup();
    const response = await client.get('/?status=500', {
      catchResponse: (r) => {
        r.success();
        r.json().content.trim(); // no `content` field: throws a TypeError
      },
    });
    expect(response.status).toBe(500);
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).name).toBe('TypeError');
  });

  it('awaits an async callback', async () => {
    const { client, requests } = await setup();
    await client.post('/', {
      json: {},
      catchResponse: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        r.failure('late verdict');
      },
    });
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).message).toBe('late verdict');
  });

  it('falls back to the status when the callback marks nothing', async () => {
    const { client, requests } = await setup();
    await client.get('/', { catchResponse: () => {} });
    await client.get('/?status=404', { name: 'nf', catchResponse: () => {} });
    expect(requests[0]!.exception).toBeUndefined();
    expect((requests[1]!.exception as Error).message).toBe('404 Client Error: Not Found for url: nf');
  });

  it('refuses success()/failure() outside the callback', async () => {
    const { client } = await setup();
    const plain = await client.get('/');
    expect(() => plain.success()).toThrow(LocustaError);
    let kept: HttpResponse | undefined;
    await client.get('/', { catchResponse: (r) => void (kept = r) });
    try {
      kept!.failure('too late');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LocustaError);
      expect((err as LocustaError).code).toBe('LOCUSTA_ERR_CATCH_RESPONSE');
    }
  });

  it('records the request, then rethrows a control-flow signal from the callback', async () => {
    const { client, requests } = await setup();
    await expect(
      client.get('/', {
        catchResponse: (r) => {
          r.failure('bad');
          throw new RescheduleTask();
        },
      }),
    ).rejects.toBeInstanceOf(RescheduleTask);
    expect(requests).toHaveLength(1);
    expect((requests[0]!.exception as Error).message).toBe('bad');
  });

  it('lets a connection error be judged', async () => {
    const port = await freePort();
    const { client, requests } = userFor(`http://127.0.0.1:${port}`);
    let seen = -1;
    await client.get('/', { catchResponse: (r) => void (seen = r.status) });
    await client.get('/', { catchResponse: (r) => r.success() });
    expect(seen).toBe(0);
    expect((requests[0]!.exception as Error).name).toBe('ConnectionRefusedError');
    expect(requests[1]!.exception).toBeUndefined();
  });
});
