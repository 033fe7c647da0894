import { describe, expect, it } from 'vitest';
import { loadQueuePass, loadSession, readClaims, saveQueuePass, saveSession, sessionFromToken, type KeyValueStore } from './session';

const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64url({ alg: 'EdDSA' })}.${b64url(claims)}.sig`;

class MemoryStore implements KeyValueStore {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

describe('session', () => {
  it('reads role, email and expiry from the token (for the UI only)', () => {
    const s = sessionFromToken(jwt({ sub: 'u', role: 'admin', email: 'ops@example.com', exp: 2_000 }), 3600, 0);
    expect(s).toMatchObject({ role: 'admin', email: 'ops@example.com', expiresAt: 2_000_000 });
    expect(readClaims('not-a-jwt')).toBeUndefined();
    expect(readClaims('a.%%%.c')).toBeUndefined();
  });
  it('falls back to expiresIn and to the user role when claims are missing', () => {
    expect(sessionFromToken('opaque', 60, 1000)).toMatchObject({ role: 'user', expiresAt: 61_000 });
  });
  it('keeps the session in tab storage and drops it once expired', () => {
    const store = new MemoryStore();
    const s = sessionFromToken(jwt({ role: 'user', email: 'fan@example.com', exp: 100 }), 3600, 0);
    saveSession(store, s);
    expect(loadSession(store, 99_000)).toEqual(s);
    expect(loadSession(store, 100_000)).toBeUndefined();
    saveSession(store, undefined);
    expect(store.map.size).toBe(0);
    store.setItem('concert.session', '{broken');
    expect(loadSession(store, 0)).toBeUndefined();
  });
  it('keeps one queue pass per concert', () => {
    const store = new MemoryStore();
    saveQueuePass(store, 'c1', 'q1');
    expect(loadQueuePass(store, 'c1')).toBe('q1');
    expect(loadQueuePass(store, 'c2')).toBeUndefined();
    saveQueuePass(store, 'c1', undefined);
    expect(loadQueuePass(store, 'c1')).toBeUndefined();
  });
});
