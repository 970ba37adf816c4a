import { recordRequests, testEnvironment } from '@locusta/test-support';
import { onTestFinished } from 'vitest';
import { HttpUser } from '../src/http-user.ts';

class TestUser extends HttpUser {}

/** A plain HttpUser on `host`, whose connections are destroyed when the test ends. */
export function userFor(host: string) {
  const env = testEnvironment({ host });
  const requests = recordRequests(env);
  const user = new TestUser(env);
  onTestFinished(() => user.client.close(true));
  return { user, requests, client: user.client };
}
