import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/database.js'

type Executor = Kysely<Database> | Transaction<Database>

/** The header (or multipart field `photo_token`) that carries a report's photo capability token. */
export const PHOTO_TOKEN_HEADER = 'x-photo-token'

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * Issues the token that lets whoever sent a report add photos to it later (the citizen's form,
 * an app). Returned once, in the intake answer; only its SHA-256 is stored.
 */
export async function issuePhotoToken(db: Executor, reportId: string): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  await db.insertInto('report_photo_tokens').values({ report_id: reportId, token_sha256: sha256(token) }).execute()
  return token
}

/** Whether a presented token is the one issued for this report. */
export async function photoTokenMatches(db: Executor, reportId: string, token: string): Promise<boolean> {
  const row = await db.selectFrom('report_photo_tokens').select('token_sha256').where('report_id', '=', reportId).executeTakeFirst()
  if (!row) return false
  const a = Buffer.from(row.token_sha256, 'hex')
  const b = Buffer.from(sha256(token), 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
