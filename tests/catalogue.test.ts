import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { usersCommand } from '../server/users/user.cli.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, newTicket } from './helpers/tickets.js'

/**
 * Admins keep the catalogue through the API: agencies (some serve only part of the area),
 * categories with their agency, priority and SLA, region rules and holidays. Everyone else may
 * read it and not change it; a bad change is refused whole.
 */
let t: TestApp
type H = Record<string, string>
let admin: H, operator: H, leadership: H

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  admin = (await signIn(t, 'admin')).headers
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
})
afterAll(() => t.close())

const catalogueEvents = async () =>
  (await t.db.db.selectFrom('events').select('data').where('type', '=', 'catalogue.changed').orderBy('seq').execute()).map(
    (e) => e.data as { what: string; by: { role: string } },
  )
const agencyOf = async (id: string) =>
  (await t.db.db.selectFrom('incidents').select('agency_code').where('id', '=', id).executeTakeFirstOrThrow()).agency_code

const PUSKESMAS = { code: 'puskesmas_beta', name_id: 'Puskesmas Kelurahan Beta', name_en: 'Beta health centre', short_name: 'Pusk. Beta', region_codes: [BETA] }
const RABIES = {
  code: 'rabies',
  name_id: 'Gigitan hewan penular rabies',
  name_en: 'Rabies animal bite',
  agency_code: 'puskesmas_beta',
  priority: 1,
  is_emergency: true,
  sla_response_minutes: 30,
  sla_resolve_minutes: 240,
  sla_working_days: false,
}

describe('agencies and categories through the API', () => {
  it('lets only an admin add an agency that serves some regions, and refuses a bad one whole', async () => {
    expect((await t.json('POST', '/api/agencies', PUSKESMAS, operator)).status).toBe(403)
    expect((await t.json('POST', '/api/agencies', PUSKESMAS, leadership)).status).toBe(403)
    expect((await t.json('POST', '/api/agencies', PUSKESMAS)).status).toBe(403)
    const bad = await t.json('POST', '/api/agencies', { ...PUSKESMAS, code: 'Puskesmas Beta!', region_codes: ['beta'] }, admin)
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues.map((i: { field: string }) => i.field).sort()).toEqual(['code', 'region_codes.0'])
    expect((await t.json('GET', '/api/agencies')).body.agencies.some((a: { code: string }) => a.code === 'puskesmas_beta')).toBe(false)

    const made = await t.json('POST', '/api/agencies', PUSKESMAS, admin)
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ code: 'puskesmas_beta', region_codes: [BETA], active: true })
    expect((await t.json('POST', '/api/agencies', PUSKESMAS, admin)).status).toBe(409)
    expect((await catalogueEvents()).at(-1)).toMatchObject({ what: 'agency', by: { role: 'admin' } })
  })

  it('adds a category routed to that agency: new tickets in its regions go there, elsewhere an operator routes them with a reason', async () => {
    expect((await t.json('POST', '/api/catalogue/categories', RABIES, operator)).status).toBe(403)
    const early = await t.json('POST', '/api/catalogue/categories', { ...RABIES, sla_resolve_minutes: 10 }, admin)
    expect(early.status).toBe(422)
    expect(early.body.error.issues[0].field).toBe('sla_resolve_minutes')
    expect((await t.json('POST', '/api/catalogue/categories', { ...RABIES, agency_code: 'tidak_ada' }, admin)).status).toBe(422)
    const made = await t.json('POST', '/api/catalogue/categories', RABIES, admin)
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ code: 'rabies', agency_code: 'puskesmas_beta', priority: 1, is_emergency: true })
    expect((await t.json('POST', '/api/catalogue/categories', RABIES, admin)).status).toBe(409)
    // Intake accepts it at once.
    expect((await t.json('GET', '/api/categories')).body.categories.some((c: { code: string }) => c.code === 'rabies')).toBe(true)

    const inBeta = await newTicket(t, BETA, { category: 'rabies' })
    expect(await agencyOf(inBeta)).toBe('puskesmas_beta')
    const tk = await t.json('GET', `/api/tickets/${inBeta}`, undefined, operator)
    expect(tk.body).toMatchObject({ priority: 1, is_emergency: true })
    expect(Date.parse(tk.body.sla.response_due_at) - Date.parse(tk.body.created_at)).toBe(30 * 60_000)

    const inAlfa = await newTicket(t, ALFA, { category: 'rabies' })
    expect(await agencyOf(inAlfa)).toBeNull()
    const noReason = await t.json('POST', `/api/tickets/${inAlfa}/route`, { agency_code: 'dinkes' }, operator)
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.issues[0].field).toBe('reason')
    expect(await agencyOf(inAlfa)).toBeNull()
    const routed = await t.json('POST', `/api/tickets/${inAlfa}/route`, { agency_code: 'dinkes', reason: 'Puskesmas Alfa belum terdaftar' }, operator)
    expect(routed.status).toBe(200)
    expect(await agencyOf(inAlfa)).toBe('dinkes')
    const history = (await t.json('GET', `/api/tickets/${inAlfa}`, undefined, operator)).body.history as { kind: string; note: string | null; actor: { role: string } }[]
    expect(history.at(-1)).toMatchObject({ kind: 'routed', note: 'Puskesmas Alfa belum terdaftar', actor: { role: 'operator' } })

    // Widening the agency to Alfa routes the next ticket there by itself.
    expect((await t.json('PATCH', '/api/agencies/puskesmas_beta', { region_codes: [ALFA, BETA] }, admin)).status).toBe(200)
    expect(await agencyOf(await newTicket(t, ALFA, { category: 'rabies' }))).toBe('puskesmas_beta')
  })

  it('keeps region rules and holidays, and removes them again', async () => {
    const rule = { category_code: 'sampah', region_code: BETA, agency_code: 'satpolpp' }
    expect((await t.json('PUT', '/api/catalogue/routing-rules', rule, operator)).status).toBe(403)
    expect((await t.json('PUT', '/api/catalogue/routing-rules', rule, admin)).status).toBe(200)
    expect(await agencyOf(await newTicket(t, BETA, { category: 'sampah' }))).toBe('satpolpp')
    const del = await t.json('DELETE', `/api/catalogue/routing-rules?category_code=sampah&region_code=${BETA}`, undefined, admin)
    expect(del.status).toBe(200)
    expect(await agencyOf(await newTicket(t, BETA, { category: 'sampah' }))).toBe('dlh')
    expect((await t.json('DELETE', `/api/catalogue/routing-rules?category_code=sampah&region_code=${BETA}`, undefined, admin)).status).toBe(404)

    expect((await t.json('PUT', '/api/catalogue/holidays', { day: '2026-03-20', name: 'Idul Fitri' }, admin)).status).toBe(200)
    expect((await t.json('PUT', '/api/catalogue/holidays', { day: '20-03-2026', name: 'x' }, admin)).status).toBe(422)
    const days = async () => ((await t.json('GET', '/api/catalogue')).body.holidays as { day: string }[]).map((h) => h.day)
    expect(await days()).toContain('2026-03-20')
    expect((await t.json('DELETE', '/api/catalogue/holidays/2026-03-20', undefined, admin)).status).toBe(200)
    expect(await days()).not.toContain('2026-03-20')
    expect((await catalogueEvents()).map((e) => e.what)).toEqual(
      expect.arrayContaining(['agency', 'category', 'routing_rule', 'routing_rule_deleted', 'holiday', 'holiday_deleted']),
    )
  })
})

describe('npm run sigap -- users add', () => {
  it('creates the first admin with a password printed once, who can then sign in; refuses a bad command', async () => {
    const out: string[] = []
    const err: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m))
    const error = vi.spyOn(console, 'error').mockImplementation((m: string) => void err.push(m))
    try {
      expect(await usersCommand(t.db, 'add', { username: 'kepala.cc', role: 'admin' })).toBe(0)
      expect(await usersCommand(t.db, 'add', { username: 'lurah.tanpa.wilayah', role: 'region_head' })).toBe(2)
      expect(await usersCommand(t.db, 'add', { username: 'x', role: 'raja' })).toBe(2)
      expect(await usersCommand(t.db, 'add', { username: 'kepala.cc', role: 'admin' })).toBe(1) // taken
    } finally {
      log.mockRestore()
      error.mockRestore()
    }
    const password = /password \(shown once\): (\S+)/.exec(out.join('\n'))![1]!
    expect(err.join('\n')).toMatch(/--region/)
    expect(err.join('\n')).toMatch(/--role/)
    const res = await t.json('POST', '/api/auth/login', { username: 'kepala.cc', password })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ role: 'admin' })
    const users = await t.db.db.selectFrom('users').select('username').where('username', 'in', ['lurah.tanpa.wilayah', 'x']).execute()
    expect(users).toEqual([])
  })
})
