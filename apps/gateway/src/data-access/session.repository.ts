import type { Redis } from 'ioredis';
import { AppError, sessionKeys } from '@concert/service-kit';

const { activeKey, blacklistKey, roleKey } = sessionKeys;

// Why a script: a logout must not delete the session a newer login just created.
const DELETE_IF_SAME = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export type SessionState = 'active' | 'revoked';
export type LiveRole = 'user' | 'admin';

/** Without its session store the gateway cannot tell a live token from a revoked one: 503, not 500. */
async function storeCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw new AppError('UPSTREAM_UNAVAILABLE', `session store unavailable: ${(err as Error).message}`);
  }
}

/** The user's one live session and the per-jti blacklist, in Redis. */
export function createSessionRepository(redis: Redis) {
  return {
    /**
     * A new login replaces the previous session: its token no longer matches `token:active`.
     * The role is kept beside it and is what admin routes check (not the token's claim), so an
     * operator demoted from the CLI loses admin access with their very next request.
     */
    async activate(userId: string, jti: string, ttlSeconds: number, role: LiveRole = 'user'): Promise<void> {
      await storeCall(() => redis.multi().set(activeKey(userId), jti, 'EX', ttlSeconds).set(roleKey(userId), role, 'EX', ttlSeconds).exec());
    },

    /** The user's role as the session store has it now; anything but 'admin' is a plain user. */
    async liveRole(userId: string): Promise<LiveRole> {
      return (await storeCall(() => redis.get(roleKey(userId)))) === 'admin' ? 'admin' : 'user';
    },

    /** Blacklists the jti for exactly the token's remaining lifetime, so the set never grows unbounded. */
    async revoke(userId: string, jti: string, exp: number): Promise<void> {
      const remaining = exp - Math.floor(Date.now() / 1000);
      // Either write alone already revokes the token (state() needs both to call it active).
      await storeCall(() =>
        Promise.all([
          remaining > 0 ? redis.set(blacklistKey(jti), '1', 'EX', remaining) : null,
          redis.eval(DELETE_IF_SAME, 1, activeKey(userId), jti),
        ]),
      );
    },

    async state(userId: string, jti: string): Promise<SessionState> {
      return storeCall(async () => {
        // Sent together (auto-pipelined: one round trip on one server).
        const [blacklisted, active] = await Promise.all([redis.exists(blacklistKey(jti)), redis.get(activeKey(userId))]);
        return blacklisted === 0 && active === jti ? 'active' : 'revoked';
      });
    },
  };
}
export type SessionRepository = ReturnType<typeof createSessionRepository>;
