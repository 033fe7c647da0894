import { createHmac, createSecretKey, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { UserRole } from '@concert/contracts';
import { AppError } from '@concert/service-kit';
import { JWT_ALG, type SigningKeys } from '../data-access/signing-keys';
import type { AccessPrincipal, QueuePass } from '../domain/principal';

const ACCESS_TYP = 'at+jwt';
const QUEUE_TYP = 'queue';
/** Queue tokens: a keyed MAC, verified only by the gateway that holds the key. */
const QUEUE_ALG = 'HS256';
const QUEUE_HEADER = Buffer.from(JSON.stringify({ alg: QUEUE_ALG, typ: QUEUE_TYP })).toString('base64url');

const AccessClaims = z.object({
  sub: z.uuid(),
  jti: z.string().min(1).max(128),
  role: UserRole,
  email: z.string(),
  exp: z.number(),
});
const QueueClaims = z.object({
  sub: z.uuid(),
  jti: z.string().min(1).max(128),
  cid: z.uuid(),
  exp: z.number(),
});

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  /** QUEUE_TOKEN_KEY: the gateway-only secret of queue tokens (shared by its replicas, nobody else). */
  queueTokenKey: string;
}

/**
 * Remembers tokens whose signature already checked out, keyed by the whole token string (so the
 * same bytes, signature included): a polling fan presents the same two tokens every second and an
 * Ed25519 verify costs ~140 µs of CPU. A token this replica signed itself goes in at signing, so
 * on one replica no token is ever verified. Bounded (least recently used goes first), and an
 * entry counts only until the token's own `exp`. Revocation is not this cache's business (the
 * session store is asked every time).
 */
class VerifiedCache<T extends { exp: number }> {
  private readonly map = new Map<string, T>();
  constructor(private readonly max: number) {}
  /** The cached claims of a token that has not expired yet; an expired one is dropped. */
  get(token: string, nowS: number): T | undefined {
    const hit = this.map.get(token);
    if (!hit) return undefined;
    this.map.delete(token);
    if (hit.exp <= nowS) return undefined;
    this.map.set(token, hit);
    return hit;
  }
  /** The cached claims, else `verify`'s, remembered. */
  async through(token: string, verify: () => Promise<T>): Promise<T> {
    const hit = this.get(token, nowSeconds());
    if (hit) return hit;
    const value = await verify();
    this.set(token, value);
    return value;
  }
  set(token: string, value: T): void {
    this.map.delete(token);
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(token, value);
  }
}

const nowSeconds = () => Date.now() / 1000;

/**
 * Signs and checks access and queue tokens. Access tokens are EdDSA (anyone may verify them with
 * the JWKS); queue tokens are HS256 under a key only the gateway holds, since only the gateway
 * ever verifies them and a MAC costs a fraction of an Ed25519 signature. Distinct `typ`,
 * algorithm and key: neither passes as the other.
 */
export function createTokenService(keys: SigningKeys, s: TokenSettings, cacheSize = 50_000) {
  const accessCache = new VerifiedCache<AccessPrincipal>(cacheSize);
  const queueCache = new VerifiedCache<QueuePass>(cacheSize);
  const queueKey = createSecretKey(Buffer.from(s.queueTokenKey, 'utf8'));
  // The token's `kid` picks the key among the current and the retired ones; no kid, or an unknown one, fails.
  const keyFor: JWTVerifyGetKey = (header) => {
    const key = header.kid === undefined ? undefined : keys.verifiers.get(header.kid);
    if (!key) throw new joseErrors.JWKSNoMatchingKey();
    return key;
  };
  const claimRules = { issuer: s.issuer, audience: s.audience, requiredClaims: ['sub', 'jti', 'exp', 'iat'] };
  const accessRules = { ...claimRules, algorithms: [JWT_ALG], typ: ACCESS_TYP };
  const queueRules = { ...claimRules, algorithms: [QUEUE_ALG], typ: QUEUE_TYP };

  async function signAccess(user: { id: string; role: AccessPrincipal['role']; email: string }) {
    const jti = randomUUID();
    const now = Math.floor(Date.now() / 1000);
    const exp = now + s.accessTtlSeconds;
    const token = await new SignJWT({ role: user.role, email: user.email })
      .setProtectedHeader({ alg: JWT_ALG, typ: ACCESS_TYP, kid: keys.kid })
      .setIssuer(s.issuer)
      .setAudience(s.audience)
      .setSubject(user.id)
      .setJti(jti)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(keys.privateKey);
    accessCache.set(token, { userId: user.id, role: user.role, email: user.email, jti, exp });
    return { token, jti, exp, expiresIn: s.accessTtlSeconds };
  }

  /** Signature and claims only; revocation lives in the session store. */
  async function verifyAccess(token: string): Promise<AccessPrincipal> {
    try {
      return await accessCache.through(token, async () => {
        const c = AccessClaims.parse((await jwtVerify(token, keyFor, accessRules)).payload);
        return { userId: c.sub, role: c.role, email: c.email, jti: c.jti, exp: c.exp };
      });
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'The access token has expired');
      throw new AppError('UNAUTHENTICATED', 'The access token is missing, malformed or not valid');
    }
  }

  /**
   * The same compact HS256 JWT that jose's SignJWT makes (jose verifies it below), signed with
   * node's synchronous HMAC: jose goes through WebCrypto, importing the key and awaiting a job per
   * token, which was a fifth of the gateway's CPU on an enqueue.
   */
  async function signQueue(userId: string, concertId: string, exp: number) {
    const jti = randomUUID();
    const claims = { cid: concertId, iss: s.issuer, aud: s.audience, sub: userId, jti, iat: Math.floor(Date.now() / 1000), exp };
    const signingInput = `${QUEUE_HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const token = `${signingInput}.${createHmac('sha256', queueKey).update(signingInput).digest('base64url')}`;
    queueCache.set(token, { userId, concertId, jti, exp });
    return { token, jti, exp };
  }

  /** Any defect (forged, expired, wrong type) is the same to a client: not a queue token of ours. */
  async function verifyQueue(token: string): Promise<QueuePass> {
    try {
      return await queueCache.through(token, async () => {
        const c = QueueClaims.parse((await jwtVerify(token, queueKey, queueRules)).payload);
        return { userId: c.sub, concertId: c.cid, jti: c.jti, exp: c.exp };
      });
    } catch {
      throw new AppError('QUEUE_TOKEN_INVALID', 'The queue token is missing or not valid');
    }
  }

  return { signAccess, verifyAccess, signQueue, verifyQueue };
}
export type TokenService = ReturnType<typeof createTokenService>;
