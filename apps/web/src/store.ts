import { useEffect, useState } from 'preact/hooks';
import { createApi, type BusyState } from './api/client';
import { loadSession, saveSession, sessionFromToken, type Session } from './logic/session';
import { PROBLEM_MESSAGES } from './logic/problems';

/** App-wide state: the session, the "platform busy" and "rate limited" banners, the login notice. */
export interface AppState {
  session?: Session;
  busy: Map<number, BusyState>;
  rateLimitedUntil: number;
  /** Why the fan landed on the login page (session expired or replaced). */
  loginNotice?: string;
  clockSkewMs: number;
}

type Listener = () => void;
let state: AppState = {
  session: loadSession(sessionStorage, Date.now()),
  busy: new Map(),
  rateLimitedUntil: 0,
  clockSkewMs: 0,
};
const listeners = new Set<Listener>();

export function getState(): AppState {
  return state;
}

function set(patch: Partial<AppState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function useAppState(): AppState {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return state;
}

export const api = createApi({
  base: '/api/v1',
  getToken: () => state.session?.token,
  events: {
    onBusy(id, busy) {
      const next = new Map(state.busy);
      if (busy) next.set(id, busy);
      else next.delete(id);
      set({ busy: next });
    },
    onRateLimited(until) {
      set({ rateLimitedUntil: until });
    },
    onSessionEnded(code) {
      endSession(PROBLEM_MESSAGES[code] ?? PROBLEM_MESSAGES.UNAUTHENTICATED);
    },
    onClockSkew(ms) {
      if (ms !== state.clockSkewMs) set({ clockSkewMs: ms });
    },
  },
});

export function startSession(accessToken: string, expiresIn: number): void {
  const session = sessionFromToken(accessToken, expiresIn, Date.now());
  saveSession(sessionStorage, session);
  set({ session, loginNotice: undefined });
}

/** Ends the session locally (the token stays in no storage) and shows `notice` on the login page. */
export function endSession(notice?: string): void {
  if (!state.session && !notice) return;
  saveSession(sessionStorage, undefined);
  for (let i = sessionStorage.length - 1; i >= 0; i--) {
    const k = sessionStorage.key(i);
    if (k?.startsWith('concert.queue.')) sessionStorage.removeItem(k);
  }
  set({ session: undefined, loginNotice: notice });
  if (!location.hash.startsWith('#/login')) location.hash = '#/login';
}
