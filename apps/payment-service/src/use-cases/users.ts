import { AppError, type Logger } from '@concert/service-kit';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../domain/password';
import { userView } from '../domain/views';
import type { Executor } from '../data-access/db';
import {
  findCredentialsByEmail,
  findUserByEmail,
  findUserById,
  insertUser,
  insertUserIfAbsent,
  setRole,
} from '../data-access/users.repository';

export async function signup(
  db: Executor,
  u: { email: string; name: string; phone?: string; password: string; role: 'user' | 'admin' },
) {
  const passwordHash = await hashPassword(u.password);
  return userView(await insertUser(db, { ...u, passwordHash }));
}

/** Same work (one scrypt run) whether the email exists or not. */
export async function verifyCredentials(db: Executor, email: string, password: string) {
  const user = await findCredentialsByEmail(db, email);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 'Email or password is wrong');
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
