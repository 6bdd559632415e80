import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { setTimeout as sleep } from 'node:timers/promises'
import { FREE_FAILURES } from '../server/auth/login.throttle.js'
import { createUser } from '../server/users/user.service.js'
import { createTestApp, type TestApp } from './helpers/app.js'

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
const login = (username: string, password: string, address = '10.0.0.1') =>
  t.app.request(
    '/api/auth/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) },
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
