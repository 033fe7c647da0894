import { useEffect } from 'preact/hooks';
import { api, endSession, useAppState } from '../store';
import { go, href, useRoute } from '../router';
import { PROBLEM_MESSAGES } from '../logic/problems';
import { useNow } from './common';
import { AuthPage } from './AuthPage';
import { ConcertsPage } from './ConcertsPage';
import { QueuePage } from './QueuePage';
import { SeatMapPage } from './SeatMapPage';
import { ReservationsPage } from './ReservationsPage';
import { BalancePage } from './BalancePage';
import { AdminPage } from './AdminPage';

export function App() {
  const state = useAppState();
  const route = useRoute();
  const session = state.session;

  // Leave a page that needs a session; and end the session when the token's own expiry passes.
  useEffect(() => {
    if (!session && route.name !== 'login') go({ name: 'login' });
    if (session && route.name === 'login') go({ name: 'concerts' });
  }, [session, route.name]);
  useEffect(() => {
    if (!session) return;
    const t = setTimeout(() => endSession(PROBLEM_MESSAGES.TOKEN_EXPIRED), Math.max(0, session.expiresAt - Date.now()));
    return () => clearTimeout(t);
  }, [session]);

  const logout = async () => {
    try {
      await api.request('POST', '/auth/logout');
    } catch {
      // Logged out locally either way; the token expires on its own.
    }
    endSession('You are logged out.');
  };

  let page;
  if (!session || route.name === 'login') page = <AuthPage notice={state.loginNotice} />;
  else if (route.name === 'queue') page = <QueuePage key={route.concertId} concertId={route.concertId} />;
  else if (route.name === 'seats') page = <SeatMapPage key={route.concertId} concertId={route.concertId} />;
  else if (route.name === 'reservations') page = <ReservationsPage />;
  else if (route.name === 'balance') page = <BalancePage />;
  else if (route.name === 'admin') page = <AdminPage key={route.concertId ?? ''} concertId={route.concertId} isAdmin={session.role === 'admin'} />;
  else page = <ConcertsPage />;

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href({ name: 'concerts' })}>Concert tickets</a>
        {session && (
          <nav aria-label="Main">
            <a href={href({ name: 'concerts' })} aria-current={route.name === 'concerts' ? 'page' : undefined}>Concerts</a>
            <a href={href({ name: 'reservations' })} aria-current={route.name === 'reservations' ? 'page' : undefined}>My reservations</a>
            <a href={href({ name: 'balance' })} aria-current={route.name === 'balance' ? 'page' : undefined}>Balance</a>
            {session.role === 'admin' && (
              <a href={href({ name: 'admin' })} aria-current={route.name === 'admin' ? 'page' : undefined}>Operator console</a>
            )}
            <span class="who" title={session.email}>{session.email}</span>
            <button type="button" class="link" onClick={logout}>Log out</button>
          </nav>
        )}
      </header>
      <Banners busy={state.busy} rateLimitedUntil={state.rateLimitedUntil} />
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

/** The platform busy (503s retried by themselves) and rate limited (429) states, visible to all pages. */
function Banners({ busy, rateLimitedUntil }: { busy: Map<number, { retryAt: number; attempt: number }>; rateLimitedUntil: number }) {
  useNow(500);
  // The clock read now, not the last tick's: a stale tick would show one second too many.
  const now = Date.now();
  const waiting = [...busy.values()];
  const limited = rateLimitedUntil > now;
  if (!waiting.length && !limited) return null;
  const nextRetry = waiting.length ? Math.max(0, Math.ceil((Math.min(...waiting.map((w) => w.retryAt)) - now) / 1000)) : 0;
  return (
    <div class="banners">
      {waiting.length > 0 && (
        <div class="alert alert-warning" role="status" data-testid="busy-banner">
          <span class="spinner" aria-hidden="true" /> The platform is very busy. We keep trying for you
          {nextRetry > 0 ? ` — next try in ${nextRetry} s` : ' — trying now'}. Please keep this page open.
        </div>
      )}
      {limited && (
        <div class="alert alert-warning" role="status" data-testid="rate-limited-banner">
          Too many requests from you in a short time. Please wait {Math.ceil((rateLimitedUntil - now) / 1000)} s.
        </div>
      )}
    </div>
  );
}
