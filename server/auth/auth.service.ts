import type { Kysely } from 'kysely'
import { parse } from 'hono/utils/cookie'
import type { Database, User } from '../db/database.js'
import { findUserByUsername } from '../users/user.repository.js'
import { DUMMY_HASH, randomToken, verifyPassword } from './password.js'
import type { Principal } from './principal.js'
import { insertSession, isDisplayToken, userOfSession } from './session.repository.js'

export const SESSION_COOKIE = 'sigap_session'
/** The default session length (SIGAP_SESSION_HOURS): a working shift; a session ends this long after sign-in. */
export const SESSION_TTL_MS = 12 * 3_600_000

export function principalOf(u: User): Principal {
  return {
    role: u.role,
    userId: u.id,
    ...(u.role === 'region_head' ? { regionCodes: u.region_codes } : {}),
    ...(u.agency_code && (u.role === 'agency_staff' || u.role === 'field_officer') ? { agencyCode: u.agency_code } : {}),
  }
}

export interface LoginResult {
  token: string
  user: User
  expiresAt: Date
}

/** Checks a username and password; null for either being wrong (the caller cannot tell which). */
export async function login(
  db: Kysely<Database>,
  username: string,
  password: string,
  now = new Date(),
  ttlMs = SESSION_TTL_MS,
): Promise<LoginResult | null> {
  const user = await findUserByUsername(db, username)
  const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
  if (!user || !ok || !user.active) return null
  const token = randomToken()
  const expiresAt = new Date(now.getTime() + ttlMs)
  await insertSession(db, token, user.id, expiresAt)
  return { token, user, expiresAt }
}

/** The session token a request carries: the cookie, or `Authorization: Bearer` for non-browser clients. */
export function sessionTokenOf(headers: Headers): string | null {
  const cookie = headers.get('cookie')
  if (cookie) {
    const v = parse(cookie, SESSION_COOKIE)[SESSION_COOKIE]
    if (v) return v
  }
  return bearerOf(headers)
}

function bearerOf(headers: Headers): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')
  return m?.[1] ?? null
}

/**
 * The default `Deps.authenticate`: a session (cookie or bearer) makes the user's principal, a
 * display token (bearer, or `?token=` on the WebSocket) the read-only display role; anything
 * else is anonymous (null), which the app treats as display.
 */
export function sessionAuthenticator(db: Kysely<Database>) {
  return async (headers: Headers): Promise<Principal | null> => {
    const token = sessionTokenOf(headers)
    if (!token || token.length > 200) return null
    const user = await userOfSession(db, token)
    if (user) return principalOf(user)
    if (bearerOf(headers) === token && (await isDisplayToken(db, token))) return { role: 'display' }
    return null
  }
}

/**
 * A wall screen cannot set headers on its WebSocket: `/ws?token=...` carries its display
 * token (or a session token), handed to authenticate as a bearer token.
 */
export function withQueryToken(headers: Headers, url: string | undefined): Headers {
  const q = (url ?? '').split('?')[1]
  const token = q ? new URLSearchParams(q).get('token') : null
  if (token && !headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
  return headers
}
