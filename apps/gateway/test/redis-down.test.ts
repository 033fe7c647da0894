import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestGateway, type TestGateway } from './support/gateway';

// Tokens minted by a healthy gateway, presented to one whose Redis is gone.
let healthy: TestGateway;
let broken: TestGateway;
beforeAll(async () => {
  healthy = await startTestGateway();
  broken = await startTestGateway({ REDIS_URL: 'redis://127.0.0.1:9', JWT_KEYS_FILE: healthy.config.JWT_KEYS_FILE! });
});
afterAll(async () => {
  await broken?.stop().catch(() => undefined);
  await healthy?.stop();
});

describe('without Redis', () => {
  it('authenticated routes answer 503 UPSTREAM_UNAVAILABLE, never 500; anonymous checks still work', async () => {
    const token = await healthy.login({ id: randomUUID() });
    const r = await call('GET', `${broken.api}/me`, { token });
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('UPSTREAM_UNAVAILABLE');
    expect((await call('GET', `${broken.api}/me`)).status).toBe(401);
    const ready = await call('GET', `${broken.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ redis: 'fail' });
  });
});
