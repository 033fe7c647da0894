import { and, eq, sql } from 'drizzle-orm';
import { pgErrorCode, PG_UNIQUE_VIOLATION } from '@concert/db';
import { AppError } from '@concert/service-kit';
import type { Executor } from './db';
import { users } from './schema';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  role: 'user' | 'admin';
}
const publicColumns = { id: users.id, email: users.email, name: users.name, phone: users.phone, role: users.role };

export interface NewUser {
  email: string;
  name: string;
  phone?: string | null;
  passwordHash: string;
  role: 'user' | 'admin';
}

export async function insertUser(db: Executor, u: NewUser): Promise<UserRow> {
  try {
    const [row] = await db
      .insert(users)
      .values({ email: u.email, name: u.name, phone: u.phone ?? null, passwordHash: u.passwordHash, role: u.role })
      .returning(publicColumns);
    return row!;
  } catch (err) {
    if (pgErrorCode(err) === PG_UNIQUE_VIOLATION) throw new AppError('EMAIL_TAKEN', 'This email is already registered');
    throw err;
  }
}

/** Creates the user unless the email exists; replicas starting together race safely on the unique index. */
export async function insertUserIfAbsent(db: Executor, u: NewUser): Promise<UserRow | undefined> {
  const [row] = await db
    .insert(users)
    .values({ email: u.email, name: u.name, phone: u.phone ?? null, passwordHash: u.passwordHash, role: u.role })
    .onConflictDoNothing({ target: users.email })
    .returning(publicColumns);
  return row;
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.id, id));
  return row;
}

export async function findCredentialsByEmail(
  db: Executor,
  email: string,
): Promise<(UserRow & { passwordHash: string }) | undefined> {
  const [row] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email));
  return row;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  const [row] = await db.select(publicColumns).from(users).where(eq(users.email, email));
  return row;
}

export async function setRole(db: Executor, id: string, role: 'user' | 'admin'): Promise<void> {
  await db
    .update(users)
    .set({ role, updatedAt: sql`now()` })
    .where(eq(users.id, id));
}

/** Replaces a hash with a stronger one, unless it changed meanwhile (another login upgraded it). */
export async function updatePasswordHash(db: Executor, id: string, oldHash: string, newHash: string): Promise<void> {
  await db
    .update(users)
    .set({ passwordHash: newHash, updatedAt: sql`now()` })
    .where(and(eq(users.id, id), eq(users.passwordHash, oldHash)));
}
