import { MatchersV3 } from '@pact-foundation/pact';
import { UpstreamProblem } from '@concert/service-kit';
import { concertDraft } from '@concert/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { bookingApi } from '../src/data-access/services';
import { gatewayPact, internalHeaders, itReads, iso, JSON_BODY, money, problem, PROBLEM_BODY, uuid } from './support';

const { eachLike, fromProviderState, integer, string } = MatchersV3;
const CONCERT = '6f1c1d6e-2a51-4d0a-9a3e-0f6b8e2d4c11';
const USER = '0b3c54a2-8d1e-4f6b-9c7a-2e5d1f8a9b30';
const RESERVATION = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const concert = (status = 'BOOKING_OPEN') => ({
  id: uuid(CONCERT),
  title: string('Test Concert'),
  artist: string('Tester'),
  venue: string('Hall'),
  concertDate: MatchersV3.regex(/^\d{4}-\d{2}-\d{2}$/.source, '2030-01-02'),
  concertTime: MatchersV3.regex(/^\d{2}:\d{2}(:\d{2})?$/.source, '19:30:00'),
  totalSeats: integer(10),
  price: money('120000.00'),
  bookingStartTime: iso('2030-01-01T10:00:00.000Z'),
  bookingEndTime: iso('2030-01-01T12:00:00.000Z'),
  status,
  availableSeats: integer(10),
});
const reservation = (status: string) => ({
  id: uuid(RESERVATION),
  concertId: uuid(CONCERT),
  seatNumber: 7,
  status,
  price: money('120000.00'),
  reservedAt: iso('2030-01-01T10:00:00.000Z'),
  reservedUntil: iso('2030-01-01T10:05:00.000Z'),
  confirmedAt: null,
});
const NEW_CONCERT = concertDraft('2030-01-01T10:00:00.000Z', '2030-01-01T12:00:00.000Z');
const concertPath = (suffix = '') => fromProviderState(`/internal/concerts/\${concertId}${suffix}`, `/internal/concerts/${CONCERT}${suffix}`);
const userId = () => fromProviderState('${userId}', USER);
const reservationPath = () => fromProviderState('/internal/reservations/${reservationId}', `/internal/reservations/${RESERVATION}`);

type BookingApi = ReturnType<typeof bookingApi>;
const gateway = gatewayPact('booking-service', 'booking', (up) => bookingApi(up, 0));
const { pact, publish, run } = gateway;

describe('gateway → booking-service', () => {
  afterAll(() => publish(10));

  it('lists the concerts open for booking', async () => {
    pact
      .given('a concert open for booking')
      .uponReceiving('a list of the concerts open for booking')
      .withRequest({ method: 'GET', path: '/internal/concerts', query: { status: 'BOOKING_OPEN' }, headers: internalHeaders })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: { items: eachLike(concert()) } });
    await run(async (api) => {
      const list = await api.listConcerts('BOOKING_OPEN');
      expect(list.items[0]?.status).toBe('BOOKING_OPEN');
    });
  });

  // One interaction per mock server where paths come from provider state: such a path matches by type only.
  itReads(gateway, 'a concert open for booking', concertPath, [
    { reads: 'one concert', suffix: '', body: concert(), check: async (api) => expect((await api.getConcert(CONCERT)).id).toBe(CONCERT) },
    {
      reads: 'the seat map of a concert',
      suffix: '/seats',
      body: { concertId: uuid(CONCERT), seats: eachLike({ seatNumber: integer(1), status: MatchersV3.regex('^(AVAILABLE|TEMPORARILY_RESERVED|RESERVED)$', 'AVAILABLE') }) },
      check: async (api) => expect(await api.getSeats(CONCERT)).toMatchObject({ concertId: CONCERT }),
    },
  ]);

  it('creates a concert and changes its status', async () => {
    pact
      .uponReceiving('a new concert')
      .withRequest({ method: 'POST', path: '/internal/concerts', headers: internalHeaders, body: NEW_CONCERT })
      .willRespondWith({ status: 201, headers: JSON_BODY, body: concert('SCHEDULED') })
      .given('a concert open for booking')
      .uponReceiving('a status change of a concert')
      .withRequest({ method: 'PATCH', path: concertPath(), headers: internalHeaders, body: { status: 'BOOKING_CLOSED' } })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: concert('BOOKING_CLOSED') });
    await run(async (api) => {
      const created = await api.createConcert(NEW_CONCERT);
      expect(created.status).toBe('SCHEDULED');
      expect((await api.updateConcert(CONCERT, { status: 'BOOKING_CLOSED' })).status).toBe('BOOKING_CLOSED');
    });
  });

  it('holds a seat', async () => {
    pact
      .given('a concert open for booking')
      .uponReceiving('a hold of a free seat')
      .withRequest({
        method: 'POST',
        path: '/internal/reservations',
        headers: internalHeaders,
        body: { userId: userId(), concertId: fromProviderState('${concertId}', CONCERT), seatNumber: 7 },
      })
      .willRespondWith({ status: 201, headers: JSON_BODY, body: reservation('TEMPORARILY_RESERVED') });
    await run(async (api) => {
      const r = await api.createReservation({ userId: USER, concertId: CONCERT, seatNumber: 7 });
      expect(r).toMatchObject({ seatNumber: 7, status: 'TEMPORARILY_RESERVED' });
    });
  });

  // The fan's own hold, read and cancelled: one request but for the method.
  it.each([
    { does: 'reads', method: 'GET', interaction: 'a request for the fan’s reservation', status: 'TEMPORARILY_RESERVED', call: (api: BookingApi) => api.getReservation(RESERVATION, USER) },
    { does: 'cancels', method: 'DELETE', interaction: 'a cancellation of the fan’s hold', status: 'CANCELLED', call: (api: BookingApi) => api.cancelReservation(RESERVATION, USER) },
  ])('$does a fan’s hold', async ({ method, interaction, status, call }) => {
    pact
      .given('a fan holds seat 7')
      .uponReceiving(interaction)
      .withRequest({ method, path: reservationPath(), query: { userId: userId() }, headers: internalHeaders })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: reservation(status) });
    await run(async (api) => expect((await call(api)).status).toBe(status));
  });

  it('lists a fan’s reservations', async () => {
    pact
      .given('a fan holds seat 7')
      .uponReceiving('a list of the fan’s reservations')
      .withRequest({ method: 'GET', path: fromProviderState('/internal/users/${userId}/reservations', `/internal/users/${USER}/reservations`), headers: internalHeaders })
      .willRespondWith({ status: 200, headers: JSON_BODY, body: { items: eachLike(reservation('TEMPORARILY_RESERVED')) } });
    await run(async (api) => expect((await api.userReservations(USER)).items).toHaveLength(1));
  });

  it('passes a missing reservation through as RESERVATION_NOT_FOUND', async () => {
    pact
      .uponReceiving('a request for a reservation that does not exist')
      .withRequest({ method: 'GET', path: `/internal/reservations/${RESERVATION}`, query: { userId: USER }, headers: internalHeaders })
      .willRespondWith({ status: 404, headers: PROBLEM_BODY, body: problem(404, 'RESERVATION_NOT_FOUND') });
    await run(async (api) => {
      const err = await api.getReservation(RESERVATION, USER).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamProblem);
      expect((err as UpstreamProblem).problem.code).toBe('RESERVATION_NOT_FOUND');
    });
  });
});
