import { AppError, checkDeadline, remainingMs, type Logger } from '@concert/service-kit';
import { dummyPasswordHash, hashPassword, needsRehash } from '../domain/password';
import { userView } from '../domain/views';
import type { Executor } from '../data-access/db';
import {
  findCredentialsByEmail,
  findUserByEmail,
  findUserById,
  insertUser,
  insertUserIfAbsent,
  setRole,
  updatePasswordHash,
  type UserRow,
} from '../data-access/users.repository';
import { poolIsIdle, pooledHash, pooledVerify } from './password-pool';

/** Time an INSERT needs under load: a signup whose deadline is nearer than this is not written. */
const WRITE_MARGIN_MS = 250;

export async function signup(
  db: Executor,
  u: { email: string; name: string; phone?: string; password: string },
) {
  checkDeadline('signup');
  const existing = await findCredentialsByEmail(db, u.email);
  if (existing) return sameSignupOrTaken(existing, u.password);
  const passwordHash = await pooledHash(u.password);
  // Written only while the caller still waits: never "503, but it was written". A write that
  // does land just before the deadline is still safe: the client's retry gets the same user.
  checkDeadline('signup', WRITE_MARGIN_MS);
  try {
    // Always a plain user: admins come from ADMIN_EMAIL or the CLI, never from a request.
    return userView(await insertUser(db, { ...u, passwordHash, role: 'user' }));
  } catch (err) {
    const raced = err instanceof AppError && err.code === 'EMAIL_TAKEN' ? await findCredentialsByEmail(db, u.email) : undefined;
    if (!raced) throw err;
    return sameSignupOrTaken(raced, u.password); // the same signup, retried while the first was in flight
  }
}

/**
 * Signup is safe to retry: the same email with the same password is the first success again
 * (the same user); another password means someone else owns the email.
 */
async function sameSignupOrTaken(existing: UserRow & { passwordHash: string }, password: string) {
  if (await pooledVerify(password, existing.passwordHash)) return userView(existing);
  throw new AppError('EMAIL_TAKEN', 'This email is already registered');
}

/** Same work (one hash) whether the email exists or not; old hashes are upgraded when it is cheap. */
export async function verifyCredentials(db: Executor, email: string, password: string) {
  const user = await findCredentialsByEmail(db, email);
  const ok = await pooledVerify(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
  if (needsRehash(user.passwordHash) && poolIsIdle() && remainingMs() > 1000) {
    // Best effort: a login never fails because its hash could not be upgraded this time.
    await pooledHash(password)
      .then((h) => updatePasswordHash(db, user.id, user.passwordHash, h))
      .catch(() => undefined);
  }
  return userView(user);
}

export async function getUser(db: Executor, id: string) {
  const user = await findUserById(db, id);
  if (!user) throw new AppError('USER_NOT_FOUND', 'User not found');
  return userView(user);
}

/**
 * Start-up: create the configured first admin if the email is free. An existing account with
 * that email is left alone on purpose — promoting it would hand admin rights to whoever signed
 * up with the address first; the CLI promotes explicitly.
 */
export async function ensureFirstAdmin(
  db: Executor,
  a: { email: string; password: string; name: string },
  logger: Logger,
): Promise<void> {
  const email = a.email.trim().toLowerCase();
  const existing = await findUserByEmail(db, email);
  if (existing) {
    if (existing.role !== 'admin') logger.warn({ email }, 'ADMIN_EMAIL belongs to a non-admin user; not promoted (use the create-admin CLI)');
    return;
  }
  const created = await insertUserIfAbsent(db, { email, name: a.name, passwordHash: await hashPassword(a.password), role: 'admin' });
  if (created) logger.info({ email, userId: created.id }, 'first admin created');
}

/** CLI: make `email` an admin — create the account if needed, otherwise promote it. */
export async function createOrPromoteAdmin(
  db: Executor,
  a: { email: string; password?: string; name: string },
): Promise<{ action: 'created' | 'promoted' | 'unchanged'; userId: string }> {
  const email = a.email.trim().toLowerCase();
  const existing = await findUserByEmail(db, email);
  if (existing) {
    if (existing.role === 'admin') return { action: 'unchanged', userId: existing.id };
    await setRole(db, existing.id, 'admin');
    return { action: 'promoted', userId: existing.id };
  }
  if (!a.password || a.password.length < 8) {
    throw new AppError('VALIDATION_FAILED', 'a new admin needs --password of at least 8 characters');
  }
  const created = await insertUserIfAbsent(db, { email, name: a.name, passwordHash: await hashPassword(a.password), role: 'admin' });
  if (!created) return createOrPromoteAdmin(db, a); // someone created it meanwhile: promote instead
  return { action: 'created', userId: created.id };
}
