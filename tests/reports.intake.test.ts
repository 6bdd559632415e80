import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { inputErrorOf } from '../server/http/errors.js'
import { intakeReport } from '../server/reports/report.service.js'

let t: TestApp
const countReports = async () =>
  Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
// Intake also logs incident and ticket events; these tests are about the report's own.
const countEvents = async () =>
  Number(
    (
      await t.db.db
        .selectFrom('events')
        .where('type', '=', 'report.created')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

// Every event logged after `seq`, of any type: what one request wrote.
const lastSeq = async () => Number((await t.db.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('s')).executeTakeFirstOrThrow()).s ?? 0)
const eventsAfter = (seq: number) => t.db.db.selectFrom('events').selectAll().where('seq', '>', seq).orderBy('seq').execute()

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('POST /api/reports', () => {
  it('stores the report with the region that contains its point and logs an event', async () => {
    const before = await countEvents()
    const since = await lastSeq()
    const res = await t.json('POST', '/api/reports', reportInput({ location: { lat: -6.2, lon: 106.855 }, claimed_region: 'Beta' }))
    expect(res.status).toBe(201)
    expect(res.body.region).toEqual({ code: '31.71.01.1002', name: 'Beta' })
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/)
    const got = await t.json('GET', `/api/reports/${res.body.id}`)
    expect(got.status).toBe(200)
    expect(got.body.location).toMatchObject({ lat: -6.2, lon: 106.855 })
    expect(await countEvents()).toBe(before + 1)
    // Of everything the request logged, one event says this report was created, and where.
    const about = (await eventsAfter(since)).filter((e) => (e.data as { id?: string }).id === res.body.id)
    expect(about.map((e) => e.type)).toEqual(['report.created'])
    expect(about[0]!.data).toMatchObject({ id: res.body.id, region: { code: '31.71.01.1002' } })
  })

  it('answers region null for a point outside every region', async () => {
    const res = await t.json('POST', '/api/reports', reportInput({ location: { lat: 1, lon: 100 } }))
    expect(res.status).toBe(201)
    expect(res.body.region).toBeNull()
  })

  it('stores a retried submission once, by channel + external_id', async () => {
    const body = reportInput({ channel: 'whatsapp', external_id: 'wamid.ABC123' })
    const first = await t.json('POST', '/api/reports', body)
    const before = await countReports()
    const again = await t.json('POST', '/api/reports', body)
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)
    expect(again.body.duplicate).toBe(true)
    expect(await countReports()).toBe(before)
  })

  it('stores a retried submission once, by Idempotency-Key, even when retries race', async () => {
    const body = reportInput()
    const before = await countReports()
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.json('POST', '/api/reports', body, { 'idempotency-key': 'key-race-1' })),
    )
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(await countReports()).toBe(before + 1)
  })

  it('lets the same external_id exist on two channels', async () => {
    const a = await t.json('POST', '/api/reports', reportInput({ channel: 'lapor', external_id: 'X-1' }))
    const b = await t.json('POST', '/api/reports', reportInput({ channel: 'app', external_id: 'X-1' }))
    expect(a.status).toBe(201)
    expect(b.status).toBe(201)
    expect(a.body.id).not.toBe(b.body.id)
  })

  const bad: [string, unknown, number, string][] = [
    ['malformed JSON', '{"channel": ', 400, 'malformed_json'],
    ['an empty body', '', 400, 'empty_body'],
    ['a missing category', { ...reportInput(), category: undefined }, 422, 'category'],
    ['an unknown category', reportInput({ category: 'ufo_sighting' }), 422, 'category'],
    ['an unknown channel', { ...reportInput(), channel: 'pigeon' }, 422, 'channel'],
    ['lat out of range', reportInput({ location: { lat: 91, lon: 106 } }), 422, 'location.lat'],
    ['lon out of range', reportInput({ location: { lat: -6, lon: -181 } }), 422, 'location.lon'],
    ['lat as a string', { ...reportInput(), location: { lat: '-6.2', lon: 106 } }, 422, 'location.lat'],
    ['an empty description', reportInput({ description: '   ' }), 422, 'description'],
    ['a reported_at in the future', reportInput({ reported_at: new Date(Date.now() + 86_400_000).toISOString() }), 422, 'reported_at'],
  ]
  it.each(bad)('refuses %s with the field and reason, storing nothing', async (_name, body, status, field) => {
    const before = await countReports()
    const res = await t.json('POST', '/api/reports', body)
    expect(res.status).toBe(status)
    if (status === 422) expect(res.body.error.issues.map((i: { field: string }) => i.field)).toContain(field)
    else expect(res.body.error.code).toBe(field)
    expect(await countReports()).toBe(before)
  })

  it('refuses a non-finite coordinate written as a huge number', async () => {
    const res = await t.json('POST', '/api/reports', '{"channel":"app","category":"sampah","description":"x","location":{"lat":1e999,"lon":106}}')
    expect(res.status).toBe(422)
    expect(res.body.error.issues[0].field).toBe('location.lat')
  })

  it('refuses a body over the limit with 413, storing nothing', async () => {
    const before = await countReports()
    const res = await t.json('POST', '/api/reports', reportInput({ description: 'x'.repeat(200_000) }))
    expect(res.status).toBe(413)
    expect(await countReports()).toBe(before)
  })

  it('hides the reporter from an anonymous display, private or not', async () => {
    const since = await lastSeq()
    const res = await t.json('POST', '/api/reports', reportInput({ reporter: { name: 'Siti Rahayu', phone: '+62 812 1111 2222', private: true } }))
    expect(res.status).toBe(201)
    const got = await t.json('GET', `/api/reports/${res.body.id}`)
    expect(JSON.stringify(got.body)).not.toContain('Siti')
    expect(JSON.stringify(got.body)).not.toContain('2222')
    // No event the intake logged (the report's, its incident's, its ticket's) carries the reporter.
    const logged = await eventsAfter(since)
    expect(logged.map((e) => e.type)).toContain('report.created')
    for (const e of logged) {
      expect(JSON.stringify(e.data)).not.toContain('Siti')
      expect(JSON.stringify(e.data)).not.toContain('2222')
    }
  })
})

describe('intake of text a channel let through', () => {
  // Text is refused once, where a channel parses its input; a channel that did not must still
  // get a 400 (never a 500) for that report alone, and the reports stored with it are kept.
  it('refuses a NUL as bad input, storing nothing of it, and keeps the reports of its batch', async () => {
    const good = [0, 1, 2].map((i) => reportInput({ description: `kept ${i}`, location: { lat: -6.2, lon: 106.841 + i * 0.001 } }))
    const bad = reportInput({ description: 'bad \u0000 text' })
    const [b, ...rest] = await Promise.allSettled([bad, ...good].map((input) => intakeReport(t.deps, input, null)))
    expect(b!.status).toBe('rejected')
    expect(inputErrorOf((b as PromiseRejectedResult).reason)?.status).toBe(400)
    expect(rest.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled'])
    const stored = await t.db.db.selectFrom('reports').select('description').where('description', 'like', '%text').execute()
    expect(stored.filter((r) => r.description.startsWith('bad'))).toEqual([])
  })
})

describe('GET /api/reports and friends', () => {
  it('404s an unknown report and 422s a malformed id', async () => {
    expect((await t.json('GET', '/api/reports/00000000-0000-0000-0000-000000000000')).status).toBe(404)
    expect((await t.json('GET', '/api/reports/not-a-uuid')).status).toBe(422)
  })

  it('lists recent reports with the sequence number to subscribe from', async () => {
    const res = await t.json('GET', '/api/reports?hours=1')
    expect(res.status).toBe(200)
    expect(res.body.seq).toBeGreaterThan(0)
    expect(res.body.reports.length).toBeGreaterThan(0)
  })

  it('answers health with the database kind', async () => {
    const res = await t.json('GET', '/api/health')
    expect(res.body).toMatchObject({ ok: true, db: process.env.DATABASE_URL ? 'postgres' : 'pglite' })
  })

  it('lists categories with their codes', async () => {
    const res = await t.json('GET', '/api/categories')
    const codes = res.body.categories.map((c: { code: string }) => c.code)
    expect(codes).toContain('jalan_rusak')
    expect(codes).toContain('kebakaran')
  })
})
