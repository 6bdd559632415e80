import type { Executor } from '../db/database.js'
import { randomToken } from '../auth/password.js'
import { sha256 } from '../auth/session.repository.js'

/** The header (or multipart field `photo_token`) that carries a report's photo capability token. */
export const PHOTO_TOKEN_HEADER = 'x-photo-token'

/**
 * A new token that lets whoever sent a report add photos to it later (the citizen's form, an
 * app). Made before intake, which stores its SHA-256 with the report (as for sessions, only
 * the hash is kept); returned once, in the intake answer.
 */
export function newPhotoToken(): { token: string; sha256: string } {
  const token = randomToken(24)
  return { token, sha256: sha256(token) }
}

/** Whether a presented token is the one issued for this report (looked up by its hash, as sessions are). */
export async function photoTokenMatches(db: Executor, reportId: string, token: string): Promise<boolean> {
  const row = await db
    .selectFrom('report_photo_tokens')
    .select('report_id')
    .where('report_id', '=', reportId)
    .where('token_sha256', '=', sha256(token))
    .executeTakeFirst()
  return row !== undefined
}
