import { afterAll, beforeAll, describe, it } from 'vitest';
import { playFan, sleep, type Api, type FanOutcome, type Platform } from '@concert/testing';
import { expectBooksBalance } from './support/books';
import { e2ePlatform } from './support/platform';
import { infra } from './support/infra';
import { openConcert } from './support/scenario';

let platform: Platform;
let api: Api;

beforeAll(async () => {
  ({ platform, api } = await e2ePlatform());
});
afterAll(async () => {
  await infra('kafka.sh', 'start').catch(() => undefined);
  await platform?.stop();
});

/** A sale of `fans` fans for `seats` seats while `fault` runs; returns every fan's outcome. */
async function saleUnder(fault: () => Promise<void>, fans = 60, seats = 30): Promise<FanOutcome[]> {
  const concert = await openConcert(api, {
    seats,
    price: '10000.00',
    policy: { admitPerSecond: 200, maxActive: 200, activeTtlSeconds: 600 },
  });
  const playing = Array.from({ length: fans }, (_, i) =>
    sleep(i * 20).then(() => playFan(api, { concertId: concert.id, seats, price: '10000.00', stepTimeoutMs: 90_000 })),
  );
  await fault();
  return Promise.all(playing);
}

describe('faults lose nothing', () => {
  it('kill -9 of a booking-service and a payment-service replica mid-sale, then restart', async () => {
    const outcomes = await saleUnder(async () => {
      await sleep(1500);
      const [booking] = platform.byName('booking-service');
      const [payment] = platform.byName('payment-service');
      await Promise.all([booking!.kill9(), payment!.kill9()]);
      await sleep(3000);
      await Promise.all([booking!.start(), payment!.start()]);
    });
    await expectBooksBalance(outcomes, 30);
  });

  it('the Kafka broker stops for 20 s under load and comes back', async () => {
    const outcomes = await saleUnder(async () => {
      await sleep(1500);
      await infra('kafka.sh', 'stop');
      await sleep(20_000);
      await infra('kafka.sh', 'start');
    });
    await expectBooksBalance(outcomes, 30);
  });

  it('Redis restarts (losing every key) under load', async () => {
    const outcomes = await saleUnder(async () => {
      await sleep(1500);
      await infra('redis.sh', 'restart');
    });
    await expectBooksBalance(outcomes, 30);
  });
});
