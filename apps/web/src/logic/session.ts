/**
 * The fan's session: the access token lives in sessionStorage (per tab, gone when the tab
 * closes, never sent by the browser on its own, so no CSRF). The role and expiry are read from
 * the token's claims only to shape the UI; the gateway checks every request.
 */

export interface Session {
  token: string;
  email: string;
  role: 'user' | 'admin';
  /** Epoch ms. */
  expiresAt: number;
}

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = 'concert.session';

/** The JWT's payload, unverified (the server verifies); undefined if it is not a readable JWT. */
export function readClaims(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    const json = new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function sessionFromToken(token: string, expiresInSeconds: number, nowMs: number): Session {
  const c = readClaims(token) ?? {};
  const exp = typeof c.exp === 'number' ? c.exp * 1000 : nowMs + expiresInSeconds * 1000;
  return {
    token,
    email: typeof c.email === 'string' ? c.email : '',
    role: c.role === 'admin' ? 'admin' : 'user',
    expiresAt: exp,
  };
}

export function isExpired(s: Session, nowMs: number): boolean {
  return nowMs >= s.expiresAt;
}

export function loadSession(store: KeyValueStore, nowMs: number): Session | undefined {
  try {
    const raw = store.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || typeof s.expiresAt !== 'number') return undefined;
    const session: Session = { token: s.token, email: String(s.email ?? ''), role: s.role === 'admin' ? 'admin' : 'user', expiresAt: s.expiresAt };
    return isExpired(session, nowMs) ? undefined : session;
  } catch {
    return undefined;
  }
}

export function saveSession(store: KeyValueStore, s: Session | undefined): void {
  try {
    if (s) store.setItem(KEY, JSON.stringify(s));
    else store.removeItem(KEY);
  } catch {
    // Storage may be full or disabled: the session then lives in memory only.
  }
}

/** Queue passes, one per concert, kept beside the session in the same tab's storage. */
export function loadQueuePass(store: KeyValueStore, concertId: string): string | undefined {
  try {
    return store.getItem(`concert.queue.${concertId}`) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveQueuePass(store: KeyValueStore, concertId: string, token: string | undefined): void {
  try {
    if (token) store.setItem(`concert.queue.${concertId}`, token);
    else store.removeItem(`concert.queue.${concertId}`);
  } catch {
    // memory only
  }
}
