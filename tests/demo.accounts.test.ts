import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoAccounts } from '../server/demo/demo.accounts.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { createTestApp, type TestApp } from './helpers/app.js'

let t: TestApp
let dir: string
beforeAll(async () => {
  t = await createTestApp()
  await seedDemoArea(t.db.db)
  dir = mkdtempSync(join(tmpdir(), 'sigap-demo-'))
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('demo accounts', () => {
  it('gives every role an account that signs in and lands on its screen, once per installation', async () => {
    const accounts = await ensureDemoAccounts(t.db, dir)
    expect(accounts.map((a) => a.role).sort()).toEqual(['admin', 'field_officer', 'leadership', 'operator', 'region_head'])
    expect(statSync(join(dir, 'demo-accounts.json')).mode & 0o077).toBe(0) // the owner's eyes only
    const landings: Record<string, string> = {}
    for (const a of accounts) {
      const res = await t.json('POST', '/api/auth/login', { username: a.username, password: a.password })
      expect(res.status).toBe(200)
      landings[a.role] = res.body.landing
    }
    expect(landings).toMatchObject({ operator: '/intake', region_head: '/disputes', field_officer: '/field' })
    // The region head answers for a demo kecamatan that has kelurahan/desa under it.
    const me = await t.json('POST', '/api/auth/login', { username: 'camat', password: accounts.find((a) => a.username === 'camat')!.password })
    expect(me.body.user.region_codes).toHaveLength(1)
    expect(me.body.user.region_codes[0]).toMatch(/^99\.01\.\d\d$/)

    // A second start finds the users and prints the same accounts; it creates nobody.
    const again = await ensureDemoAccounts(t.db, dir)
    expect(again).toEqual(accounts)
    const users = await t.db.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(users.n)).toBe(5)
  })
})
