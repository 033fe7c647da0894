import { MatchersV3 } from '@pact-foundation/pact';
import { UpstreamProblem } from '@concert/service-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { paymentApi } from '../src/data-access/services';
import { gatewayPact, internalHeaders, itReads, iso, JSON_BODY, money, problem, PROBLEM_BODY, uuid } from './support';

const { eachLike, fromProviderState, string } = MatchersV3;
const USER = '2c4e6a80-1b3d-4f5a-8c7e-9d0b2a4c6e81';
const RESERVATION = '3d5f7b91-2c4e-4a6b-9d8f-0e1c3b5d7f92';
const PAYMENT = '4e6a8c02-3d5f-4b7c-8e9a-1f2d4c6e8a03';
const EMAIL = 'pact-fan@example.com';
const PASSWORD = 'correct-horse-battery';

const userPath = (suffix = '') => fromProviderState(`/internal/users/\${userId}${suffix}`, `/internal/users/${USER}${suffix}`);
const user = { id: uuid(USER), email: string(EMAIL), name: string('Pact Fan'), phone: null };
const payRequest = (idempotencyKey: string) => ({
  method: 'POST',
  path: '/internal/payments',
  headers: { ...internalHeaders, 'idempotency-key': idempotencyKey },
  body: { userId: fromProviderState('${userId}', USER), reservationId: fromProviderState('${reservationId}', RESERVATION) },
});
const payment = {
  id: uuid(PAYMENT),
  reservationId: uuid(RESERVATION),
  amount: money('120000.00'),
  status: 'COMPLETED',
  previousBalance: money('500000.00'),
  remainingBalance: money('380000.00'),
  paidAt: iso('2030-01-01T10:01:00.000Z'),
};

const gateway = gatewayPact('payment-service', 'payment', (up) => paymentApi(up));
const { pact, publish, run } = gateway;

// One interaction per mock server where paths come from provider state: such a path matches by type only.
describe('gateway → payment-service', () => {
  afterAll(() => publish(10));

  it('signs a fan up', async () => {
    pact
      .uponReceiving('a signup')
      .withRequest({ method: 'POST', path: '/internal/users', headers: internalHeaders, body: { email: EMAIL, name: 'Pact Fan', password: PASSWORD } })
      .willRespondWith({ status: 201, headers: JSON_BODY, body: { user } });
    await run(async (api) => expect((await api.createUser({ email: EMAIL, name: 'Pact Fan', password: PASSWORD })).user.email).toBe(EMAIL));
  });

  it('logs a fan in', async () => {
    pact
      .given('a fan with a balance')
      .uponReceiving('a login with the right password')
      .withRequest({
        method: 'POST',
        path: '/internal/users/verify',
        headers: internalHeaders,
        body: { email: fromProviderState('${email}', EMAIL), password: PASSWORD },
      })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: { user: { ...user, role: MatchersV3.regex('^(user|admin)$', 'user') } } });
    await run(async (api) => expect((await api.verifyUser({ email: EMAIL, password: PASSWORD })).user.role).toBe('user'));
  });

  it('passes a wrong login through as INVALID_CREDENTIALS', async () => {
    pact
      .uponReceiving('a login of an unknown email')
      .withRequest({ method: 'POST', path: '/internal/users/verify', headers: internalHeaders, body: { email: 'nobody@pact.example', password: PASSWORD } })
      .willRespondWith({ status: 401, headers: PROBLEM_BODY, body: problem(401, 'INVALID_CREDENTIALS') });
    await run(async (api) => {
      const err = await api.verifyUser({ email: 'nobody@pact.example', password: PASSWORD }).catch((e: unknown) => e);
      expect((err as UpstreamProblem).problem.code).toBe('INVALID_CREDENTIALS');
    });
  });

  itReads(gateway, 'a fan with a balance', userPath, [
    { reads: 'a fan', suffix: '', body: { ...user, role: 'user' }, check: async (api) => expect((await api.getUser(USER)).id).toBe(USER) },
    { reads: 'a fan’s balance', suffix: '/balance', body: { balance: money('500000.00') }, check: async (api) => expect((await api.balance(USER)).balance).toBe('500000.00') },
  ]);

  it('charges a fan’s balance', async () => {
    pact
      .given('a fan with a balance')
      .uponReceiving('a charge with an idempotency key')
      .withRequest({
        method: 'POST',
        path: userPath('/balance/charge'),
        headers: { ...internalHeaders, 'idempotency-key': 'charge-1' },
        body: { amount: '1000.00' },
      })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: { balance: money('501000.00'), transactionId: string('1') } });
    await run(async (api) => expect((await api.charge(USER, '1000.00', 'charge-1')).balance).toBe('501000.00'));
  });

  it('lists a fan’s ledger', async () => {
    pact
      .given('a fan with a balance')
      .uponReceiving('a page of a fan’s ledger')
      .withRequest({ method: 'GET', path: userPath('/balance/transactions'), query: { limit: '20' }, headers: internalHeaders })
      .willRespondWith({
        status: 200,
        headers: JSON_BODY,
        body: {
          items: eachLike({
            id: string('1'),
            type: MatchersV3.regex('^(CHARGE|PAYMENT|REFUND)$', 'CHARGE'),
            amount: money('500000.00'),
            previousBalance: money('0.00'),
            newBalance: money('500000.00'),
            relatedId: null,
            description: string('Balance charge'),
            createdAt: iso('2030-01-01T10:00:00.000Z'),
          }),
          nextCursor: null,
        },
      });
    await run(async (api) => expect((await api.transactions(USER, { limit: 20 })).items).toHaveLength(1));
  });

  it('pays a hold', async () => {
    pact
      .given('a fan with a balance holds a seat')
      .uponReceiving('a payment with an idempotency key')
      .withRequest(payRequest('pay-1'))
      .willRespondWith({ status: 201, headers: JSON_BODY, body: payment });
    await run(async (api) => expect((await api.pay({ userId: USER, reservationId: RESERVATION }, 'pay-1')).status).toBe('COMPLETED'));
  });

  it('passes a short balance through as INSUFFICIENT_BALANCE', async () => {
    pact
      .given('a fan without money holds a seat')
      .uponReceiving('a payment the balance does not cover')
      .withRequest(payRequest('pay-2'))
      .willRespondWith({ status: 409, headers: PROBLEM_BODY, body: problem(409, 'INSUFFICIENT_BALANCE') });
    await run(async (api) => {
      const err = await api.pay({ userId: USER, reservationId: RESERVATION }, 'pay-2').catch((e: unknown) => e);
      expect((err as UpstreamProblem).problem.code).toBe('INSUFFICIENT_BALANCE');
    });
  });

  it('reads a payment', async () => {
    pact
      .given('a fan has paid a hold')
      .uponReceiving('a request for a payment')
      .withRequest({
        method: 'GET',
        path: fromProviderState('/internal/payments/${paymentId}', `/internal/payments/${PAYMENT}`),
        query: { userId: fromProviderState('${userId}', USER) },
        headers: internalHeaders,
      })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: payment });
    await run(async (api) => expect((await api.getPayment(PAYMENT, USER)).id).toBe(PAYMENT));
  });
});
