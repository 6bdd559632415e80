import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword, randomToken, verifyPassword } from '../server/auth/password.js'
import { createUser } from '../server/users/user.service.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'

let t: TestApp
const PASSWORD = 'kata-sandi-panjang-1'

beforeAll(async () => {
  t = await createTestApp()
  await createUser(t.db, { username: 'Camat.Alfa', role: 'region_head', password: PASSWORD, region_codes: ['31.71.01'] }, null)
})
afterAll(() => t.close())

const login = (username: string, password: string, headers: Record<string, string> = {}) =>
  t.app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) })
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!

describe('passwords', () => {
  it('hashes with scrypt and a salt of its own, and verifies only the right password', async () => {
    const a = await hashPassword('rahasia-sekali')
    const b = await hashPassword('rahasia-sekali')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(a).not.toBe(b)
    expect(a).not.toContain('rahasia')
    expect(await verifyPassword('rahasia-sekali', a)).toBe(true)
    expect(await verifyPassword('rahasia-sekalI', a)).toBe(false)
    expect(await verifyPassword('x', 'garbage')).toBe(false)
  })
})

describe('random tokens (sessions, display tokens, rating links, photo tokens)', () => {
  it('are never handed out twice and carry the bytes asked for, small and large', () => {
    const sizes = [24, 32, 18, 12]
    const tokens = Array.from({ length: 2000 }, (_, i) => randomToken(sizes[i % sizes.length]))
    expect(new Set(tokens).size).toBe(tokens.length)
    tokens.forEach((tok, i) => expect(Buffer.from(tok, 'base64url')).toHaveLength(sizes[i % sizes.length]!))
    expect(Buffer.from(randomToken(5000), 'base64url')).toHaveLength(5000)
  })
})

describe('sign-in', () => {
  it('signs in with a session cookie (HttpOnly, SameSite=Lax) and says the role, scope and landing screen', async () => {
    const res = await login('camat.alfa', PASSWORD) // usernames are case-insensitive
    expect(res.status).toBe(200)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toMatch(/^sigap_session=[A-Za-z0-9_-]{40,};/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    expect(setCookie).not.toContain('Secure')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ role: 'region_head', landing: '/disputes', user: { username: 'Camat.Alfa', region_codes: ['31.71.01'] } })
    expect(JSON.stringify(body)).not.toContain('scrypt')

    const me = await t.json('GET', '/api/auth/me', undefined, { cookie: cookieOf(res) })
    expect(me.body).toMatchObject({ signed_in: true, role: 'region_head', landing: '/disputes', scope: { all: false, regionCodes: ['31.71.01'] } })
    // Only the hash of the session token is stored.
    const token = cookieOf(res).split('=')[1]!
    const stored = await t.db.db.selectFrom('sessions').select('token_sha256').execute()
    expect(stored.some((s) => s.token_sha256 === token)).toBe(false)
  })

  it('marks the cookie Secure behind https', async () => {
    const res = await login('camat.alfa', PASSWORD, { 'x-forwarded-proto': 'https' })
    expect(res.headers.get('set-cookie')).toContain('Secure')
  })

  it('refuses a wrong password or an unknown user with the same answer', async () => {
    const wrong = await login('camat.alfa', 'salah-salah-salah')
    const nobody = await login('nobody', PASSWORD)
    expect(wrong.status).toBe(401)
    expect(nobody.status).toBe(401)
    expect(await wrong.json()).toEqual(await nobody.json())
    expect(wrong.headers.get('set-cookie')).toBeNull()
    expect((await t.json('POST', '/api/auth/login', { username: 'x' })).status).toBe(422)
  })

  it('ends the session on logout and on expiry; anonymous is the display role', async () => {
    const { headers } = await signIn(t, 'operator')
    expect((await t.json('GET', '/api/auth/me', undefined, headers)).body.role).toBe('operator')
    expect((await t.json('POST', '/api/auth/logout', {}, headers)).status).toBe(200)
    expect((await t.json('GET', '/api/auth/me', undefined, headers)).body).toMatchObject({ signed_in: false, role: 'display', landing: '/wall' })

    const again = await signIn(t, 'operator')
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ${again.userId}::uuid`.execute(t.db.db)
    expect((await t.json('GET', '/api/auth/me', undefined, again.headers)).body.role).toBe('display')
  })

  it('makes sessions last SIGAP_SESSION_HOURS (12 by default), and refuses a bad value at start-up', async () => {
    const hoursOf = async (app: TestApp) => {
      const before = Date.now()
      const res = await app.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'camat.alfa', password: PASSWORD }),
      })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { expires_at: string }
      const expires = Date.parse(body.expires_at)
      // The cookie ends with the session (to the second), and so does the stored row.
      const cookieExpires = Date.parse(/Expires=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!)
      expect(Math.abs(cookieExpires - expires)).toBeLessThan(1000)
      const row = await app.db.db.selectFrom('sessions').select('expires_at').orderBy('created_at', 'desc').executeTakeFirstOrThrow()
      expect(row.expires_at.getTime()).toBe(expires)
      return Math.round((expires - before) / 60_000) / 60
    }
    expect(await hoursOf(t)).toBe(12)
    const short = await createTestApp({ db: t.db, config: testConfig({ SIGAP_SESSION_HOURS: '2' }) })
    try {
      expect(await hoursOf(short)).toBe(2)
    } finally {
      await short.close()
    }
    for (const bad of ['0', '-1', 'twelve', String(24 * 31)]) expect(() => testConfig({ SIGAP_SESSION_HOURS: bad })).toThrow(/SIGAP_SESSION_HOURS/)
  })

  it('signs a user out everywhere when an admin deactivates them', async () => {
    const admin = await signIn(t, 'admin')
    const op = await signIn(t, 'operator')
    const res = await t.json('PATCH', `/api/users/${op.userId}`, { active: false }, admin.headers)
    expect(res.status).toBe(200)
    expect((await t.json('GET', '/api/auth/me', undefined, op.headers)).body.role).toBe('display')
    expect((await login(op.username, 'test-password-123')).status).toBe(401)
  })
})

describe('CSRF', () => {
  it('refuses a change that carries the cookie without our header or our origin', async () => {
    const { headers } = await signIn(t, 'admin')
    const body = JSON.stringify({ name: 'wall-x' })
    const post = (h: Record<string, string>) => t.app.request('http://sigap.local/api/display-tokens', { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body })
    const bare = await post({ cookie: headers.cookie! })
    expect(bare.status).toBe(403)
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('csrf')
    expect((await post({ cookie: headers.cookie!, origin: 'https://evil.example' })).status).toBe(403)
    expect((await post({ cookie: headers.cookie!, origin: 'https://evil.example', 'x-requested-with': 'sigap' })).status).toBe(403)
    expect((await post({ cookie: headers.cookie!, origin: 'http://sigap.local', host: 'sigap.local' })).status).toBe(201)
    expect((await post(headers)).status).toBe(201)
    expect(await t.db.db.selectFrom('display_tokens').select('name').where('name', '=', 'wall-x').execute()).toHaveLength(2)
  })

  it('refuses a sign-in posted from another site, and keeps anonymous intake open', async () => {
    expect((await login('camat.alfa', PASSWORD, { origin: 'https://evil.example' })).status).toBe(403)
    const intake = await t.json('POST', '/api/reports', { channel: 'app', category: 'sampah', description: 'Sampah menumpuk', location: { lat: -6.2, lon: 106.85 } })
    expect(intake.status).toBe(201)
  })
})

describe('display tokens and user administration', () => {
  it('gives a display token the read-only display role, until revoked', async () => {
    const admin = await signIn(t, 'admin')
    const made = await t.json('POST', '/api/display-tokens', { name: 'wall-lobby' }, admin.headers)
    expect(made.status).toBe(201)
    const bearer = { authorization: `Bearer ${made.body.token}` }
    expect((await t.json('GET', '/api/auth/me', undefined, bearer)).body).toMatchObject({ role: 'display', signed_in: false })
    expect((await t.json('GET', '/api/users', undefined, bearer)).status).toBe(403)
    expect((await t.json('DELETE', '/api/display-tokens/wall-lobby', undefined, admin.headers)).status).toBe(200)
    // Revoked: anonymous again, which is also display, but the token no longer authenticates.
    expect(await t.deps.authenticate(new Headers(bearer))).toBeNull()
  })

  it('lets only admins manage users, and validates the scope of a role', async () => {
    const admin = await signIn(t, 'admin')
    const op = await signIn(t, 'operator')
    const lead = await signIn(t, 'leadership')
    const good = { username: 'staf.pupr', role: 'agency_staff', agency_code: 'pupr', password: 'panjang-sekali-1' }
    expect((await t.json('POST', '/api/users', good, op.headers)).status).toBe(403)
    expect((await t.json('GET', '/api/users', undefined, lead.headers)).status).toBe(403)
    expect((await t.json('POST', '/api/users', { ...good, agency_code: undefined }, admin.headers)).status).toBe(422)
    expect((await t.json('POST', '/api/users', { ...good, agency_code: 'nope' }, admin.headers)).status).toBe(422)
    expect((await t.json('POST', '/api/users', { ...good, password: 'short' }, admin.headers)).status).toBe(422)
    const created = await t.json('POST', '/api/users', good, admin.headers)
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ username: 'staf.pupr', role: 'agency_staff', agency_code: 'pupr' })
    expect(JSON.stringify(created.body)).not.toContain('password')
    expect((await t.json('POST', '/api/users', { ...good, username: 'STAF.PUPR' }, admin.headers)).status).toBe(409)
    const list = await t.json('GET', '/api/users', undefined, admin.headers)
    expect(JSON.stringify(list.body)).not.toContain('scrypt')
    const ev = await t.db.db.selectFrom('events').select('data').where('type', '=', 'user.created').execute()
    expect(JSON.stringify(ev)).not.toContain('scrypt')
  })
})
