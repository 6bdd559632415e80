import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { FREE_FAILURES } from '../server/auth/login.throttle.js'
import { forwardedClient } from '../server/http/client-address.js'
import { loadConfig } from '../server/config.js'
import { createUser } from '../server/users/user.service.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'

/** Sign-in backoff: per account and per address, 429 with Retry-After, the password not even checked meanwhile. */
let t: TestApp
const PASSWORD = 'benar-sekali-123'

beforeAll(async () => {
  t = await createTestApp()
  await createUser(t.db, { username: 'lurah.alfa', role: 'region_head', password: PASSWORD, region_codes: ['31.71.01.1001'] }, null)
  await createUser(t.db, { username: 'operator.satu', role: 'operator', password: PASSWORD }, null)
}, 60_000)
afterAll(() => t.close())

/** The address is the TCP peer, as @hono/node-server hands it over. */
const login = (username: string, password: string, address = '10.0.0.1', headers: Record<string, string> = {}, app = t) =>
  app.app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ username, password }) },
    { incoming: { socket: { remoteAddress: address } } },
  )

describe('POST /api/auth/login backoff', () => {
  it('makes an account wait after repeated wrong passwords, even with the right one, then lets it in', async () => {
    for (let i = 0; i < FREE_FAILURES.account; i++) expect((await login('lurah.alfa', `salah-${i}`)).status).toBe(401)
    const held = await login('LURAH.alfa', PASSWORD, '10.0.0.2') // any case, any address: the account waits
    expect(held.status).toBe(429)
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(held.headers.get('set-cookie')).toBeNull()
    expect((await held.json()).error.code).toBe('too_many_attempts')
    // Other accounts are not held.
    expect((await login('operator.satu', PASSWORD, '10.0.0.2')).status).toBe(200)
    await sleep(Number(held.headers.get('retry-after')) * 1000 + 100)
    expect((await login('lurah.alfa', PASSWORD)).status).toBe(200)
    // A success clears the account's tally: the next wrong password is a plain 401.
    expect((await login('lurah.alfa', 'salah-lagi', '10.0.0.3')).status).toBe(401)
  })

  it('doubles the wait with each further failure', async () => {
    await createUser(t.db, { username: 'kades.beta', role: 'region_head', password: PASSWORD, region_codes: ['31.71.01.1002'] }, null)
    for (let i = 0; i < FREE_FAILURES.account; i++) await login('kades.beta', 'salah', '10.0.1.1')
    const first = Number((await login('kades.beta', 'salah', '10.0.1.1')).headers.get('retry-after'))
    await sleep(first * 1000 + 100)
    expect((await login('kades.beta', 'salah', '10.0.1.1')).status).toBe(401) // waited: tried, failed again
    const second = await login('kades.beta', PASSWORD, '10.0.1.1')
    expect(second.status).toBe(429)
    expect(Number(second.headers.get('retry-after'))).toBe(first * 2)
  })

  it('makes an address that guesses at many accounts wait, and only that address', async () => {
    for (let i = 0; i < FREE_FAILURES.address; i++) expect((await login(`tebakan-${i}`, 'salah', '192.0.2.7')).status).toBe(401)
    const held = await login('operator.satu', PASSWORD, '192.0.2.7')
    expect(held.status).toBe(429)
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await login('operator.satu', PASSWORD, '192.0.2.8')).status).toBe(200)
  })
})

describe('sign-in backoff behind a reverse proxy', () => {
  it('counts each client behind a trusted proxy by its forwarded address, and ignores X-Forwarded-For from anyone else', async () => {
    const proxied = await createTestApp({ config: testConfig({ SIGAP_TRUSTED_PROXIES: '127.0.0.1' }) })
    try {
      await createUser(proxied.db, { username: 'operator.dua', role: 'operator', password: PASSWORD }, null)
      const viaProxy = (user: string, pw: string, client: string) => login(user, pw, '127.0.0.1', { 'x-forwarded-for': `198.51.100.9, ${client}` }, proxied)
      for (let i = 0; i < FREE_FAILURES.address; i++) expect((await viaProxy(`tebak-${i}`, 'salah', '203.0.113.5')).status).toBe(401)
      // The guesser waits; another citizen behind the same nginx does not.
      expect((await viaProxy('operator.dua', PASSWORD, '203.0.113.5')).status).toBe(429)
      expect((await viaProxy('operator.dua', PASSWORD, '203.0.113.6')).status).toBe(200)
      // A direct client cannot dodge its own backoff by writing the header itself.
      for (let i = 0; i < FREE_FAILURES.address; i++) await login(`palsu-${i}`, 'salah', '192.0.2.50', { 'x-forwarded-for': `10.9.9.${i}` }, proxied)
      expect((await login('operator.dua', PASSWORD, '192.0.2.50', { 'x-forwarded-for': '10.9.9.99' }, proxied)).status).toBe(429)
    } finally {
      await proxied.close()
    }
  })

  it('believes only the hops trusted proxies appended', () => {
    const trusted = ['10.0.0.1', '10.0.0.2']
    expect(forwardedClient('10.0.0.1', '1.2.3.4, 5.6.7.8, 10.0.0.2', trusted)).toBe('5.6.7.8')
    expect(forwardedClient('::ffff:10.0.0.1', '5.6.7.8', trusted)).toBe('5.6.7.8')
    expect(forwardedClient('9.9.9.9', '5.6.7.8', trusted)).toBe('9.9.9.9')
    expect(forwardedClient('10.0.0.1', 'junk<script>', trusted)).toBe('10.0.0.1')
    expect(forwardedClient('10.0.0.1', undefined, trusted)).toBe('10.0.0.1')
  })

  it('refuses a proxy list that is not addresses at start-up, naming the variable', () => {
    expect(() => loadConfig({ SIGAP_TRUSTED_PROXIES: '10.0.0.1,nginx' })).toThrow(/SIGAP_TRUSTED_PROXIES/)
    expect(loadConfig({ SIGAP_TRUSTED_PROXIES: ' 10.0.0.1 , ::1' }).SIGAP_TRUSTED_PROXIES).toEqual(['10.0.0.1', '::1'])
  })
})
