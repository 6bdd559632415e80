import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { loadShippedCalendar } from '../server/holidays/holiday.calendar.js'
import { isRed, redSql } from '../server/tickets/late.js'
import { checkSla } from '../server/tickets/sla.checker.js'
import { changeCategory } from '../server/tickets/ticket.category.js'
import { startLaporClocks } from '../server/tickets/ticket.clocks.js'
import { transitionTicket } from '../server/tickets/ticket.service.js'
import { bytesToUuid, decodeTickets, FLAG_BREACHED, FLAG_RED } from '../server/wall/wall.codec.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, newTicket } from './helpers/tickets.js'

/**
 * Honest clocks: a reporter pause is stored once on the ticket and counted once (in working
 * time on working-day clocks), LAPOR!'s two clocks run one after the other, and JAKI's red
 * (six days without a response) is one rule on every screen.
 */
let t: TestApp
let operator: Record<string, string>, leadership: Record<string, string>
const ops: Principal = { role: 'operator' }
const wib = (s: string) => new Date(`${s}:00+07:00`)
const ticket = async (id: string) => (await t.json('GET', `/api/tickets/${id}`, undefined, operator)).body
const stored = (id: string) => t.db.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const move = (id: string, to: string, at: Date, extra: Record<string, unknown> = {}) =>
  transitionTicket(t.deps, ops, id, { to, ...extra } as Parameters<typeof transitionTicket>[3], { now: at })

/** A ticket of `category` as if it had come in at `created` (its clocks worked out from then). */
async function openedAt(category: string, created: Date, region: typeof ALFA | typeof BETA = ALFA, over: Record<string, unknown> = {}) {
  const id = await newTicket(t, region, { category, ...over })
  const c = created.toISOString()
  await sql`UPDATE incidents x SET created_at = ${c}::timestamptz, status_changed_at = ${c}::timestamptz,
      response_due_at = r.response_due_at, resolve_due_at = r.resolve_due_at
    FROM sigap_ticket_routing(${category}, ${region}, ${c}::timestamptz) r WHERE x.id = ${id}::uuid`.execute(t.db.db)
  return id
}

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_METRICS_TOKEN: 'scrape' }) })
  await seedTwoKelurahan(t.db.db)
  await loadShippedCalendar(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  leadership = (await signIn(t, 'leadership')).headers
})
afterAll(() => t.close())

describe('a pause for the reporter, stored once', () => {
  it('over a weekend adds no working day to a working-day clock, and moves the due time when it ends', async () => {
    // Road damage (10 working days) received Wednesday 11 November 2026, 10:00 WIB: due Wednesday 25th, 10:00.
    const id = await openedAt('jalan_rusak', wib('2026-11-11T10:00'))
    expect((await stored(id)).resolve_due_at).toEqual(wib('2026-11-25T10:00'))
    // Asked the reporter on Friday 20:00; they answered on Monday 08:00.
    await move(id, 'waiting_reporter', wib('2026-11-13T20:00'), { reason: 'Mohon kirim foto lubangnya' })
    // Waiting, long past the due time: the clock stands still at the pause, so not late (and not flagged).
    expect((await ticket(id)).sla).toMatchObject({ resolve_breached: false, paused_at: wib('2026-11-13T20:00').toISOString() })
    await checkSla(t.deps)
    expect((await stored(id)).resolve_breached_at).toBeNull()

    const on = await move(id, 'verified', wib('2026-11-16T08:00'))
    const row = await stored(id)
    // 60 hours on the clock; in working time Friday 20:00-24:00 and Monday 00:00-08:00: 12 hours.
    expect([row.paused_seconds, row.paused_working_seconds, row.paused_at]).toEqual([60 * 3600, 12 * 3600, null])
    expect(row.resolve_due_at).toEqual(wib('2026-11-25T22:00'))
    expect(on.ticket.sla).toMatchObject({ resolve_due_at: wib('2026-11-25T22:00').toISOString(), paused_at: null, paused_seconds: 60 * 3600 })
    // Running again, and its (moved) due time long gone: late.
    expect((await ticket(id)).sla.resolve_breached).toBe(true)
  })

  it('on an on-the-clock category adds the whole pause', async () => {
    // Fire: 6 hours to resolve, received Friday 19:00, due Saturday 01:00; paused Friday 20:00 to Monday 08:00.
    const id = await openedAt('kebakaran', wib('2026-11-13T19:00'))
    await move(id, 'waiting_reporter', wib('2026-11-13T20:00'), { reason: 'Lokasi tepatnya di mana?' })
    await move(id, 'dispatched', wib('2026-11-16T08:00'))
    expect((await stored(id)).resolve_due_at).toEqual(wib('2026-11-16T13:00'))
  })

  it('keeps its credit through a category change, in the new clock\'s own kind of time', async () => {
    const id = await openedAt('jalan_rusak', wib('2026-11-11T10:00'), BETA)
    await move(id, 'waiting_reporter', wib('2026-11-13T20:00'), { reason: 'Mohon kirim foto' })
    await move(id, 'verified', wib('2026-11-16T08:00'))
    // Rubbish: 3 working days from Wednesday 10:00 is Monday 16th 10:00, plus the 12 working hours paused.
    await changeCategory(t.deps, ops, id, { category_code: 'sampah', reason: 'ternyata tumpukan sampah' }, wib('2026-11-16T09:00'))
    expect((await stored(id)).resolve_due_at).toEqual(wib('2026-11-16T22:00'))
    // On the clock (6 hours) the whole 60 hours count: Wednesday 10:00 + 66 hours.
    await changeCategory(t.deps, ops, id, { category_code: 'kebakaran', reason: 'ada api' }, wib('2026-11-16T09:30'))
    expect((await stored(id)).resolve_due_at).toEqual(wib('2026-11-14T04:00'))
    expect((await ticket(id)).sla.resolve_due_at).toBe(wib('2026-11-14T04:00').toISOString())
  })

  it('is judged the same by the ticket views, lists, the checker, statistics, the review, the wall and /metrics', async () => {
    const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000)
    // Traffic (on the clock). One paused before its due time; one paused when already late.
    const before = await newTicket(t, ALFA, { category: 'kemacetan' })
    const after = await newTicket(t, BETA, { category: 'kemacetan' })
    for (const id of [before, after])
      expect((await t.json('POST', `/api/tickets/${id}/transition`, { to: 'waiting_reporter', reason: 'Arah mana?' }, operator)).status).toBe(200)
    await t.db.db.updateTable('incidents').set({ paused_at: hoursAgo(2), resolve_due_at: hoursAgo(1) }).where('id', '=', before).execute()
    await t.db.db.updateTable('incidents').set({ paused_at: hoursAgo(1), resolve_due_at: hoursAgo(2) }).where('id', '=', after).execute()
    await checkSla(t.deps)
    expect((await stored(before)).resolve_breached_at).toBeNull()
    expect((await stored(after)).resolve_breached_at).not.toBeNull()
    // From here on, the flag is not what decides: clear it.
    await t.db.db.updateTable('incidents').set({ resolve_breached_at: null }).where('id', '=', after).execute()

    expect([(await ticket(before)).sla.resolve_breached, (await ticket(after)).sla.resolve_breached]).toEqual([false, true])
    const listed = (await t.json('GET', '/api/tickets?category=kemacetan&breached=true', undefined, operator)).body.tickets
    expect(listed.map((x: { id: string }) => x.id)).toEqual([after])
    const stats = await t.json('GET', '/api/stats/response?category=kemacetan&group=none', undefined, leadership)
    expect(stats.body.rows[0]).toMatchObject({ received: 2, breached: 1 })
    const review = await t.json('GET', '/api/review/summary?period=week', undefined, leadership)
    expect(review.body.agencies.find((a: { code: string }) => a.code === 'dishub')).toMatchObject({ received: 2, breached: 1 })
    // The wall's pins: the binary block's late flag.
    const cols = decodeTickets(await (await t.app.request('/api/wall/tickets.bin', { headers: leadership })).arrayBuffer())
    const ids = Array.from({ length: cols.header.count }, (_, k) => bytesToUuid(cols.ids, k * 16))
    const pin = (id: string) => (cols.flags[ids.indexOf(id)]! & FLAG_BREACHED) !== 0
    expect([pin(before), pin(after)]).toEqual([false, true])
    const metrics = await (await t.app.request('/metrics', { headers: { authorization: 'Bearer scrape' } })).text()
    expect(metrics).toContain('sigap_sla_breaches{agency="dishub",kind="resolution"} 1')
  })
})

describe("SP4N-LAPOR!'s chained clocks", () => {
  it('starts verification (3 working days) when a LAPOR! report opens a ticket; other channels have no such clocks', async () => {
    const id = await newTicket(t, ALFA, { category: 'drainase', channel: 'lapor' })
    const row = await stored(id)
    const due = (await sql<{ d: Date }>`SELECT sigap_sla_due(${row.created_at.toISOString()}::timestamptz, 4320, true) AS d`.execute(t.db.db)).rows[0]!.d
    expect(row.lapor_verify_due_at).toEqual(due)
    expect((await ticket(id)).sla.lapor).toEqual({
      verify: { due_at: due.toISOString(), done_at: null, late: false },
      plan: { due_at: null, done_at: null, late: false },
    })
    const other = await newTicket(t, ALFA, { category: 'drainase', channel: 'whatsapp' })
    expect((await ticket(other)).sla.lapor).toBeNull()
  })

  it('counts the follow-up plan from the verification, over holidays, and shows both on the ticket and the status page', async () => {
    const id = await newTicket(t, ALFA, { category: 'drainase', channel: 'lapor' })
    // Received Wednesday 13 May 2026 10:00 WIB: Ascension (Thu 14) and its cuti bersama (Fri 15)
    // stop the clock: verification due Wednesday 20 May 10:00.
    await sql`UPDATE incidents SET created_at = ${wib('2026-05-13T10:00').toISOString()}::timestamptz, lapor_verify_due_at = NULL WHERE id = ${id}::uuid`.execute(t.db.db)
    await t.db.db.transaction().execute((trx) => startLaporClocks(trx, [id]))
    expect((await stored(id)).lapor_verify_due_at).toEqual(wib('2026-05-20T10:00'))
    // Verified Wednesday 20 May 09:00: the plan is due 5 working days later, past Idul Adha
    // (Wed 27) and its cuti bersama (Thu 28): Friday 29 May 09:00, not Wednesday 27 from receipt.
    await move(id, 'verified', wib('2026-05-20T09:00'))
    const view = await ticket(id)
    expect(view.sla.lapor).toEqual({
      verify: { due_at: wib('2026-05-20T10:00').toISOString(), done_at: wib('2026-05-20T09:00').toISOString(), late: false },
      plan: { due_at: wib('2026-05-29T09:00').toISOString(), done_at: null, late: true },
    })
    // The agency takes it up after the plan's due time: done, late.
    await move(id, 'dispatched', wib('2026-05-25T09:00'))
    await move(id, 'in_progress', wib('2026-05-29T10:00'))
    expect((await ticket(id)).sla.lapor.plan).toEqual({ due_at: wib('2026-05-29T09:00').toISOString(), done_at: wib('2026-05-29T10:00').toISOString(), late: true })

    const number = (await t.db.db.selectFrom('reports').select('id').where('incident_id', '=', id).executeTakeFirstOrThrow()).id.slice(0, 8).toUpperCase()
    const status = await t.json('GET', `/api/status/${number}`)
    expect(status.body.tickets[0].lapor).toEqual((await ticket(id)).sla.lapor)
    const page = await (await t.app.request(`/status/${number}`)).text()
    expect(page).toContain('Verifikasi (3 hari kerja)')
    expect(page).toContain('Rencana tindak lanjut (5 hari kerja)')
  })

  it('moves the plan\'s due time by a pause\'s working time', async () => {
    const id = await newTicket(t, BETA, { category: 'drainase', channel: 'lapor' })
    await move(id, 'verified', wib('2026-11-02T09:00')) // Monday: plan due Monday 9 November 09:00
    expect((await stored(id)).lapor_plan_due_at).toEqual(wib('2026-11-09T09:00'))
    await move(id, 'waiting_reporter', wib('2026-11-06T18:00'), { reason: 'Mohon foto' }) // Friday evening
    await move(id, 'dispatched', wib('2026-11-09T06:00')) // Monday morning: 6 + 6 working hours
    expect((await stored(id)).lapor_plan_due_at).toEqual(wib('2026-11-09T21:00'))
  })
})

describe("JAKI's red: six days without a response", () => {
  const daysAgo = (d: number, min = 0) => new Date(Date.now() - d * 86_400_000 - min * 60_000).toISOString()
  const quietSince = (id: string, at: string) =>
    sql`UPDATE incidents SET created_at = ${at}::timestamptz, status_changed_at = ${at}::timestamptz, acted_at = NULL WHERE id = ${id}::uuid`.execute(t.db.db)
  const redOf = async (id: string) => (await ticket(id)).sla.red as boolean

  it('is the same rule in SQL and in the views', async () => {
    const at = new Date('2026-03-10T05:00:00Z')
    const ago = (m: number) => new Date(at.getTime() - m * 60_000)
    const six = 6 * 1440
    const cases = [
      { created_at: ago(six + 1), status_changed_at: ago(six + 1), acted_at: null, ended_at: null, paused_at: null, merged_into: null },
      { created_at: ago(six - 1), status_changed_at: ago(six - 1), acted_at: null, ended_at: null, paused_at: null, merged_into: null },
      { created_at: ago(six), status_changed_at: null, acted_at: null, ended_at: null, paused_at: null, merged_into: null },
      { created_at: ago(9 * 1440), status_changed_at: ago(9 * 1440), acted_at: ago(60), ended_at: null, paused_at: null, merged_into: null },
      { created_at: ago(9 * 1440), status_changed_at: ago(2 * 1440), acted_at: null, ended_at: null, paused_at: null, merged_into: null },
      { created_at: ago(9 * 1440), status_changed_at: ago(9 * 1440), acted_at: null, ended_at: ago(10), paused_at: null, merged_into: null },
      { created_at: ago(9 * 1440), status_changed_at: ago(9 * 1440), acted_at: null, ended_at: null, paused_at: ago(8 * 1440), merged_into: null },
    ]
    const expected = [true, false, true, false, false, false, false]
    for (const [i, c] of cases.entries()) {
      const v = (d: Date | null) => d?.toISOString() ?? null
      const r = await sql<{ red: boolean }>`SELECT ${redSql(at, 'x')} AS red FROM (SELECT ${v(c.created_at)}::timestamptz AS created_at,
          ${v(c.status_changed_at)}::timestamptz AS status_changed_at, ${v(c.acted_at)}::timestamptz AS acted_at, ${v(c.ended_at)}::timestamptz AS ended_at,
          ${v(c.paused_at)}::timestamptz AS paused_at, NULL::uuid AS merged_into) x`.execute(t.db.db)
      expect([i, r.rows[0]!.red, isRed(c, at)]).toEqual([i, expected[i], expected[i]])
    }
  })

  it('turns a ticket red at six days without a change of state or staff action, on every screen, and clears on action', async () => {
    const id = await newTicket(t, ALFA, { category: 'penerangan_jalan' })
    await quietSince(id, daysAgo(6, -5)) // five minutes short of six days
    expect(await redOf(id)).toBe(false)
    const statsRed = async () => (await t.json('GET', '/api/stats/response?category=penerangan_jalan&group=none', undefined, leadership)).body.rows[0].red
    const reviewRed = async () => (await t.json('GET', '/api/review/summary?period=week', undefined, leadership)).body.totals.red as number
    const pinRed = async () => {
      // The wall's pins: the binary block's red flag.
      const cols = decodeTickets(await (await t.app.request('/api/wall/tickets.bin', { headers: leadership })).arrayBuffer())
      const i = Array.from({ length: cols.header.count }, (_, k) => bytesToUuid(cols.ids, k * 16)).indexOf(id)
      expect(i).toBeGreaterThanOrEqual(0)
      return (cols.flags[i]! & FLAG_RED) !== 0
    }
    expect(await statsRed()).toBe(0)
    const reviewBefore = await reviewRed()

    await quietSince(id, daysAgo(6, 1))
    expect(await redOf(id)).toBe(true)
    expect((await t.json('GET', '/api/tickets?status=open', undefined, operator)).body.tickets.find((x: { id: string }) => x.id === id).sla.red).toBe(true)
    expect(await statsRed()).toBe(1)
    expect(await pinRed()).toBe(true)
    // The review's window is received in the last week: it was received 6 days ago.
    expect(await reviewRed()).toBe(reviewBefore + 1)

    // A staff action that is not a change of state (re-routing to another agency) clears it.
    expect((await t.json('POST', `/api/tickets/${id}/route`, { agency_code: 'pupr', reason: 'lampu di jalan kabupaten' }, operator)).status).toBe(200)
    expect(await redOf(id)).toBe(false)
    expect(await pinRed()).toBe(false)
    // So does a change of state.
    await quietSince(id, daysAgo(7))
    expect(await redOf(id)).toBe(true)
    expect((await t.json('POST', `/api/tickets/${id}/transition`, { to: 'verified' }, operator)).status).toBe(200)
    expect(await redOf(id)).toBe(false)
    expect(await statsRed()).toBe(0)
  })

  it('is not for a ticket waiting for its reporter, nor one that is finished', async () => {
    const waiting = await newTicket(t, BETA, { category: 'penerangan_jalan' })
    await t.json('POST', `/api/tickets/${waiting}/transition`, { to: 'waiting_reporter', reason: 'Tiang nomor berapa?' }, operator)
    await quietSince(waiting, daysAgo(8))
    expect(await redOf(waiting)).toBe(false)
    const done = await newTicket(t, BETA, { category: 'penerangan_jalan' })
    await t.json('POST', `/api/tickets/${done}/transition`, { to: 'rejected', reason: 'laporan iseng' }, operator)
    await quietSince(done, daysAgo(8))
    expect(await redOf(done)).toBe(false)
  })
})
