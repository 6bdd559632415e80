import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isLate } from '../server/tickets/late.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, newTicket } from './helpers/tickets.js'

/**
 * One definition of "late": a due time that passed before its clock stopped, or has passed while
 * it runs. Statistics, the review, the wall, /metrics and ticket views all count the same
 * tickets, whether or not the periodic SLA checker happened to flag them.
 */
let t: TestApp
let operator: Record<string, string>, leadership: Record<string, string>

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_METRICS_TOKEN: 'scrape' }) })
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
})
afterAll(() => t.close())

describe('the definition', () => {
  it('is the same in SQL and in the views', async () => {
    const at = new Date('2026-03-10T05:00:00Z')
    const h = (n: number) => new Date(at.getTime() + n * 3_600_000)
    const cases: [Date | null, Date | null, Date | null][] = [
      [null, null, null], [null, h(-5), null], [h(-1), null, null], [h(1), null, null], [h(-2), h(-3), null], [h(-2), h(-1), null],
      [h(-2), h(-2), null], [h(2), h(3), null], [h(2), h(1), null], [at, null, null], [h(2), h(1), h(-1)], [null, null, h(-1)],
    ]
    for (const [due, stopped, flagged] of cases) {
      for (const paused of [null, h(-3), h(-1)]) {
        const r = await sql<{ late: boolean }>`SELECT sigap_late(${due?.toISOString() ?? null}::timestamptz, ${stopped?.toISOString() ?? null}::timestamptz,
          ${flagged?.toISOString() ?? null}::timestamptz, ${paused?.toISOString() ?? null}::timestamptz, ${at.toISOString()}::timestamptz) AS late`.execute(t.db.db)
        expect([due, stopped, flagged, paused, r.rows[0]!.late]).toEqual([due, stopped, flagged, paused, isLate(due, stopped, flagged, paused, at)])
      }
    }
    expect(isLate(h(-2), h(-1), null, null, at)).toBe(true) // responded, but after the due time
    expect(isLate(h(2), h(3), null, null, at)).toBe(true) // measured whenever it came
    expect(isLate(h(-2), h(-3), null, null, at)).toBe(false)
    expect(isLate(h(2), h(1), h(-1), null, at)).toBe(true) // the checker saw it late (the due time moved since)
    expect(isLate(h(-2), null, null, h(-3), at)).toBe(false) // paused before its due time: the clock stands still
    expect(isLate(h(-2), null, null, h(-1), at)).toBe(true) // paused when already late
  })
})

describe('a late response the SLA checker never flagged', () => {
  it('counts as breached in statistics, the review, the ticket list and view, and /metrics', async () => {
    // Damkar's case: fire tickets answered after their 15 minutes, while no checker ran.
    const late = await newTicket(t, ALFA, { category: 'kebakaran' })
    const onTime = await newTicket(t, BETA, { category: 'kebakaran' })
    for (const id of [late, onTime]) expect((await t.json('POST', `/api/tickets/${id}/transition`, { to: 'dispatched' }, operator)).status).toBe(200)
    await sql`UPDATE incidents SET created_at = now() - interval '3 hours', response_due_at = now() - interval '165 minutes'
              WHERE id = ${late}::uuid`.execute(t.db.db)
    const flags = await t.db.db.selectFrom('incidents').select(['response_breached_at', 'resolve_breached_at']).where('id', 'in', [late, onTime]).execute()
    expect(flags.every((f) => f.response_breached_at === null && f.resolve_breached_at === null)).toBe(true)

    const stats = await t.json('GET', '/api/stats/response?agency=damkar&group=none', undefined, leadership)
    expect(stats.status).toBe(200)
    expect(stats.body.rows).toHaveLength(1)
    expect(stats.body.rows[0]).toMatchObject({ received: 2, responded: 2, responded_within_sla: 1, breached: 1 })

    const review = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(review.status).toBe(200)
    expect(review.body.totals.breached).toBe(1)
    expect(review.body.agencies.find((a: { code: string }) => a.code === 'damkar')).toMatchObject({ breached: 1 })

    const list = await t.json('GET', '/api/tickets?breached=true', undefined, operator)
    expect(list.body.tickets.map((x: { id: string }) => x.id)).toEqual([late])
    const view = await t.json('GET', `/api/tickets/${late}`, undefined, operator)
    expect(view.body.sla.response_breached).toBe(true)

    const metrics = await (await t.app.request('/metrics', { headers: { authorization: 'Bearer scrape' } })).text()
    expect(metrics).toContain('sigap_sla_breaches{agency="damkar",kind="response"} 1')
  })
})

describe("JAKI's red", () => {
  it('turns a ticket red after six days without a first response, and not once it is answered', async () => {
    const id = await newTicket(t, BETA, { category: 'jalan_rusak' })
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.sla.red).toBe(false)
    await sql`UPDATE incidents SET created_at = now() - interval '6 days 1 minute', status_changed_at = now() - interval '6 days 1 minute' WHERE id = ${id}::uuid`.execute(t.db.db)
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.sla.red).toBe(true)
    const listed = await t.json('GET', '/api/tickets?status=open', undefined, operator)
    expect(listed.body.tickets.find((x: { id: string }) => x.id === id).sla.red).toBe(true)
    await t.json('POST', `/api/tickets/${id}/transition`, { to: 'verified' }, operator)
    expect((await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body.sla.red).toBe(false)
  })
})
