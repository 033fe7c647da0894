import { afterAll, beforeAll, expect } from 'vitest';
import { flows } from './flows';
import { call, startTestGateway, type TestGateway } from './gateway';
import { startStack, type Stack } from './services';

/**
 * For a describe block over the real services: the three services (queue ticking every 50 ms),
 * a gateway in front of them with `gatewayEnv` on top of the stack's, the admin's token and the
 * shared public flows; opened before the block's tests and closed after them. Read the fields
 * inside tests and hooks: nothing is open while the file is being collected.
 */
export function overRealServices(gatewayEnv: Record<string, string> = {}) {
  const live = {
    stack: undefined as unknown as Stack,
    gw: undefined as unknown as TestGateway,
    adminToken: '',
    api: (path: string) => `${live.gw.api}${path}`,
  };
  beforeAll(async () => {
    live.stack = await startStack({ 'queue-service': { QUEUE_TICK_MS: '50' } });
    live.gw = await startTestGateway({ ...live.stack.gatewayEnv, ...gatewayEnv });
    const login = await call('POST', live.api('/auth/login'), { body: live.stack.admin });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    live.adminToken = login.body.accessToken as string;
  }, 120_000);
  afterAll(async () => {
    await live.gw?.stop();
    await live.stack?.stop();
  });
  return Object.assign(live, flows(live.api, () => live.adminToken));
}
