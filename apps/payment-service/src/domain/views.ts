import type { Payment } from '@concert/contracts';
import { money } from './balance';

/** API.md's Payment, from what the database returned. */
export function paymentView(p: {
  id: string;
  reservationId: string;
  amount: string;
  status: Payment['status'];
  previousBalance: string;
  remainingBalance: string;
  paidAt: Date | null;
}): Payment {
  return {
    id: p.id,
    reservationId: p.reservationId,
    amount: money(p.amount),
    status: p.status,
    previousBalance: money(p.previousBalance),
    remainingBalance: money(p.remainingBalance),
    paidAt: p.paidAt ? p.paidAt.toISOString() : null,
  };
}

export function userView(u: { id: string; email: string; name: string; phone: string | null; role: 'user' | 'admin' }) {
  return { id: u.id, email: u.email, name: u.name, phone: u.phone, role: u.role };
}
