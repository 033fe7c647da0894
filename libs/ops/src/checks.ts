/**
 * The platform's invariants as SQL over both services' schemas. Each query returns the rows
 * that break the invariant (empty = holds). Run by an operator role that can read both schemas.
 */
export const CHECKS: Record<string, string> = {
  completed_payment_without_confirmed_reservation: `
    select p.id as payment_id, p.reservation_id, r.status as reservation_status
    from payment.payments p left join booking.reservations r on r.id = p.reservation_id
    where p.status = 'COMPLETED' and r.status is distinct from 'CONFIRMED'`,
  refunded_payment_with_confirmed_reservation: `
    select p.id as payment_id, p.reservation_id
    from payment.payments p join booking.reservations r on r.id = p.reservation_id
    where p.status = 'REFUNDED' and r.status = 'CONFIRMED'`,
  confirmed_reservation_without_payment: `
    select r.id as reservation_id from booking.reservations r
    where r.status = 'CONFIRMED'
      and not exists (select 1 from payment.payments p where p.reservation_id = r.id and p.status = 'COMPLETED')`,
  seat_with_two_active_reservations: `
    select seat_id, count(*)::int as active from booking.reservations
    where status in ('TEMPORARILY_RESERVED', 'CONFIRMED') group by seat_id having count(*) > 1`,
  seat_status_disagrees_with_reservation: `
    select s.id as seat_id, s.status as seat_status, r.status as reservation_status
    from booking.seats s
    left join booking.reservations r on r.seat_id = s.id and r.status in ('TEMPORARILY_RESERVED', 'CONFIRMED')
    where (s.status = 'AVAILABLE' and r.id is not null)
       or (s.status = 'TEMPORARILY_RESERVED' and r.status is distinct from 'TEMPORARILY_RESERVED')
       or (s.status = 'RESERVED' and r.status is distinct from 'CONFIRMED')`,
  hold_past_deadline_not_expired: `
    select id as reservation_id, reserved_until from booking.reservations
    where status = 'TEMPORARILY_RESERVED' and reserved_until < now() - interval '5 seconds'`,
  ledger_does_not_sum_to_balance: `
    select u.id as user_id, u.balance::text, coalesce(l.total, 0)::text as ledger
    from payment.users u
    left join (
      select user_id, sum(case when transaction_type = 'PAYMENT' then -amount else amount end) as total
      from payment.balance_transactions group by user_id
    ) l on l.user_id = u.id
    where u.balance <> coalesce(l.total, 0)`,
  negative_balance: `select id as user_id, balance::text from payment.users where balance < 0`,
  payment_applied_twice: `
    select related_id, transaction_type, count(*)::int as n from payment.balance_transactions
    where transaction_type in ('PAYMENT', 'REFUND') group by related_id, transaction_type having count(*) > 1`,
  reservation_paid_twice: `
    select reservation_id, count(*)::int as n from payment.payments
    where status in ('COMPLETED', 'REFUNDED') group by reservation_id having count(*) > 1`,
  booking_outbox_not_drained: `select id, status, attempts from booking.outbox where status <> 'SENT'`,
  payment_outbox_not_drained: `select id, status, attempts from payment.outbox where status <> 'SENT'`,
};
