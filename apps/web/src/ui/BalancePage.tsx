import { useRef, useState } from 'preact/hooks';
import { newIdempotencyKey } from '../api/client';
import type { BalanceTransaction } from '../api/types';
import { api } from '../store';
import { formatMoney } from '../logic/seat-map';
import { Alert, DataTable, errorText, Field, STATUS_WORDS, usePoll, when } from './common';

const AMOUNT = /^\d{1,7}(\.\d{1,2})?$/;

export function BalancePage() {
  const [balance, setBalance] = useState<string | undefined>();
  const [items, setItems] = useState<BalanceTransaction[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [amount, setAmount] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [working, setWorking] = useState(false);
  const [version, setVersion] = useState(0);
  // One key per top-up the fan means: a retry after a timeout must not charge twice.
  const pendingKey = useRef<{ amount: string; key: string } | undefined>(undefined);

  usePoll(
    async (signal) => {
      const [b, tx] = await Promise.all([
        api.get<{ balance: string }>('/me/balance', { signal, onCooldown: 'wait' }),
        api.get<{ items: BalanceTransaction[]; nextCursor: string | null }>('/me/balance/transactions?limit=20', { signal, onCooldown: 'wait' }),
      ]);
      setBalance(b.balance);
      setItems(tx.items);
      setCursor(tx.nextCursor);
    },
    [version],
    10_000,
    (err) => setError(errorText(err)),
  );

  const more = async () => {
    if (!cursor) return;
    try {
      const tx = await api.get<{ items: BalanceTransaction[]; nextCursor: string | null }>(`/me/balance/transactions?limit=20&cursor=${encodeURIComponent(cursor)}`);
      setItems((i) => [...i, ...tx.items]);
      setCursor(tx.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const charge = async (e: Event) => {
    e.preventDefault();
    setError('');
    setDone('');
    if (!AMOUNT.test(amount.trim()) || Number(amount) <= 0) {
      setError('Enter an amount such as 50000 or 120000.50 (at most two decimals).');
      return;
    }
    const a = amount.trim();
    if (pendingKey.current?.amount !== a) pendingKey.current = { amount: a, key: newIdempotencyKey() };
    setWorking(true);
    try {
      const res = await api.post<{ balance: string }>('/me/balance/charge', { amount: a }, { idempotencyKey: pendingKey.current.key });
      pendingKey.current = undefined;
      setBalance(res.balance);
      setDone(`Added ${formatMoney(a)}.`);
      setAmount('');
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setWorking(false);
    }
  };

  return (
    <section aria-labelledby="bal-title">
      <h1 id="bal-title">Balance</h1>
      <p class="big">
        <span class="sr-only">Current balance: </span>
        <strong data-testid="balance">{balance ? formatMoney(balance) : '…'}</strong>
      </p>
      <form class="card inline-form" onSubmit={charge} aria-labelledby="topup-title">
        <h2 id="topup-title">Top up</h2>
        <Field label="Amount" name="amount" inputMode="decimal" value={amount} onInput={setAmount} required hint="Up to 1,000,000.00, two decimals at most." />
        <button type="submit" class="primary" disabled={working}>
          {working ? 'Adding…' : 'Add to balance'}
        </button>
        <Alert>{error}</Alert>
        <Alert kind="success">{done}</Alert>
      </form>
      <h2>Ledger</h2>
      {items.length === 0 ? (
        <p class="muted">No transactions yet.</p>
      ) : (
        <DataTable
          caption="Balance transactions, newest first"
          columns={[{ label: 'When' }, { label: 'Type' }, { label: 'Amount', num: true }, { label: 'Balance after', num: true }, { label: 'Description' }]}
        >
              {items.map((t) => (
                <tr key={t.id} data-testid="ledger-row">
                  <td>{when(t.createdAt)}</td>
                  <td>{STATUS_WORDS[t.type] ?? t.type}</td>
                  <td class="num">{(t.type === 'PAYMENT' ? '−' : '+') + formatMoney(t.amount)}</td>
                  <td class="num">{formatMoney(t.newBalance)}</td>
                  <td>{t.description}</td>
                </tr>
              ))}
        </DataTable>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Show older
        </button>
      )}
    </section>
  );
}
