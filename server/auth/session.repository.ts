import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Executor, User } from '../db/database.js'


/** Secrets are stored only as their SHA-256: a copy of the database opens no session. */
export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export async function insertSession(db: Executor, token: string, userId: string, expiresAt: Date): Promise<void> {
  await db.insertInto('sessions').values({ token_sha256: sha256(token), user_id: userId, expires_at: expiresAt }).execute()
}

export async function deleteSession(db: Executor, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_sha256', '=', sha256(token)).execute()
}

export async function deleteSessionsOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

/** The active user holding an unexpired session, if any; expired sessions are swept on the way. */
export async function userOfSession(db: Executor, token: string): Promise<User | undefined> {
  return db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('u')
    .where('s.token_sha256', '=', sha256(token))
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.active', '=', true)
    .executeTakeFirst()
}

export async function sweepExpiredSessions(db: Executor): Promise<number> {
  const r = await db.deleteFrom('sessions').where('expires_at', '<=', sql<Date>`now()`).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export async function insertDisplayToken(db: Executor, token: string, name: string): Promise<void> {
  await db.insertInto('display_tokens').values({ token_sha256: sha256(token), name }).execute()
}

export async function isDisplayToken(db: Executor, token: string): Promise<boolean> {
  const row = await db
    .selectFrom('display_tokens')
    .select('name')
    .where('token_sha256', '=', sha256(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return row !== undefined
}

export async function listDisplayTokens(db: Executor) {
  return db.selectFrom('display_tokens').select(['name', 'created_at', 'revoked_at']).orderBy('created_at').execute()
}

export async function revokeDisplayToken(db: Executor, name: string): Promise<number> {
  const r = await db
    .updateTable('display_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}
