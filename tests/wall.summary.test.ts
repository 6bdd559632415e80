import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeTickets, bytesToUuid, FLAG_BREACHED, FLAG_EMERGENCY, PRIORITY_MASK } from '../server/wall/wall.codec.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA } from './helpers/tickets.js'

let t: TestApp
const wib = (s: string) => new Date(`${s}:00+07:00`)
// "Now" for the summary: noon WIB on 10 March 2026. Today = since midnight WIB; yesterday = 9 March 00:00-12:00.
const AT = '2026-03-10T12:00:00+07:00'

interface Fixture {
  name: string
  created: string
  region?: string
  category?: string
  status?: string
  responseDue?: string
  respond?: string
  resolveDue?: string
  ended?: string
  merged?: boolean
  priority?: number
  emergency?: boolean
  reports?: number
  lon?: number
}

const ids: Record<string, string> = {}

/** A ticket with known times, written directly (as if it had lived through its lifecycle). */
async function insertTicket(f: Fixture) {
  const created = wib(f.created)
  const region = f.region ?? ALFA
  const lon = f.lon ?? (region === ALFA ? 106.845 : 106.855)
  const at = (s: string | undefined) => (s ? wib(s) : null)
  const res = await sql<{ id: string }>`
    INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at, created_at,
      status, agency_code, routed_at, priority, is_emergency, response_due_at, resolve_due_at, first_response_at, ended_at, merged_into)
    VALUES (${f.category ?? 'jalan_rusak'}, ST_SetSRID(ST_MakePoint(${lon}, -6.2), 4326), ${region}, ${f.reports ?? 1}, '{app}', ${created}, ${created}, ${created},
      ${f.status ?? 'new'}, 'pupr', ${created}, ${f.priority ?? 3}, ${f.emergency ?? false},
      ${at(f.responseDue) ?? wib('2099-01-01T00:00')}, ${at(f.resolveDue) ?? wib('2099-01-01T00:00')}, ${at(f.respond)}, ${at(f.ended)},
      ${f.merged ? ids.A! : null})
    RETURNING id`.execute(t.db.db)
  ids[f.name] = res.rows[0]!.id
}

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  const fixtures: Fixture[] = [
    // Today: answered 30 min after creation, 15 min past its response due time (a breach today).
    { name: 'A', created: '2026-03-10T08:00', status: 'dispatched', responseDue: '2026-03-10T08:15', respond: '2026-03-10T08:30', category: 'kebakaran', priority: 1, emergency: true, reports: 4 },
    // Today: never answered, response due 09:10 (a breach today).
    { name: 'B', created: '2026-03-10T09:00', responseDue: '2026-03-10T09:10' },
    // Today: answered in 10 min, rejected: not open, not breached.
    { name: 'H', created: '2026-03-10T10:00', status: 'rejected', responseDue: '2026-03-10T10:30', respond: '2026-03-10T10:10', ended: '2026-03-10T10:10' },
    // Yesterday: answered in 20 min, resolved at 11:00 (before yesterday's noon: not open then).
    { name: 'C', created: '2026-03-09T10:00', status: 'resolved', responseDue: '2026-03-09T10:30', respond: '2026-03-09T10:20', ended: '2026-03-09T11:00' },
    // Yesterday: answered in 40 min, 10 min late (a breach yesterday); still open.
    { name: 'D', created: '2026-03-09T11:00', status: 'in_progress', responseDue: '2026-03-09T11:30', respond: '2026-03-09T11:40' },
    // Three days old, still open, resolution was due yesterday 09:00 (a breach yesterday).
    { name: 'E', created: '2026-03-07T09:00', status: 'in_progress', respond: '2026-03-07T09:05', resolveDue: '2026-03-09T09:00' },
    // Yesterday afternoon (after the comparison moment), in Beta, never answered; due 13:30 yesterday (outside both ranges).
    { name: 'F', created: '2026-03-09T13:00', region: BETA, responseDue: '2026-03-09T13:30' },
    // Today: open, its clocks still running well before their due times: not late.
    { name: 'I', created: '2026-03-10T11:00' },
    // Yesterday morning: response due 12:30 yesterday, given at 13:00 (late), still open. At
    // yesterday's noon it was not late yet: the response and the due time were still to come.
    { name: 'J', created: '2026-03-09T08:00', status: 'in_progress', responseDue: '2026-03-09T12:30', respond: '2026-03-09T13:00' },
  ]
  for (const f of fixtures) await insertTicket(f)
  // A duplicate merged into A today: counts nowhere.
  await insertTicket({ name: 'G', created: '2026-03-10T08:05', status: 'closed', merged: true, responseDue: '2026-03-10T08:06', ended: '2026-03-10T08:30' })
})
afterAll(() => t.close())

describe('GET /api/wall/summary', () => {
  it('gives the four headline figures, each beside the same stretch of yesterday', async () => {
    const r = await t.json('GET', `/api/wall/summary?at=${encodeURIComponent(AT)}`)
    expect(r.status).toBe(200)
    expect(r.body.today_from).toBe(wib('2026-03-10T00:00').toISOString())
    // Open now: A, B, D, E, F, I, J. Open at yesterday noon: D, E and J (C had been resolved at 11:00; F did not exist).
    expect(r.body.open_tickets).toEqual({ today: 7, yesterday: 3, change: 4 })
    // New: A, B, H, I today; C, D, J yesterday morning (F came after yesterday's noon).
    expect(r.body.new_today).toEqual({ today: 4, yesterday: 3, change: 1 })
    // Open and late now: A, D and J answered late, B and F not answered in time, E not resolved
    // in time (I's clocks still run). At yesterday's noon: D and E (J's due time was still to come).
    expect(r.body.late_open).toEqual({ today: 6, yesterday: 2, change: 4 })
    // Median first response: A 30 and H 10 today (20); C 20 and D 40 yesterday (30).
    expect(r.body.response_median_min).toEqual({ today: 20, yesterday: 30, change: -10, responded_today: 2, responded_yesterday: 2 })
    expect(typeof r.body.seq).toBe('number')
    // The longest-open tickets, oldest first, with their place, agency and whether they are late.
    const oldest = r.body.oldest_open as { id: string; category_code: string; region_name: string; agency_name: string; created_at: string; late: boolean }[]
    expect(oldest.map((o) => o.id)).toEqual(['E', 'J', 'D', 'F', 'A', 'B', 'I'].map((n) => ids[n]))
    expect(oldest[0]).toMatchObject({ category_code: 'jalan_rusak', region_name: 'Alfa', created_at: wib('2026-03-07T09:00').toISOString(), late: true })
    expect(oldest[0]!.agency_name).toBeTruthy()
    expect(oldest.find((o) => o.id === ids.I)!.late).toBe(false)
    expect(Object.keys(oldest[0]!).sort()).toEqual(['agency_name', 'category_code', 'created_at', 'id', 'late', 'region_name'])
  })

  it('counts only the tickets in the viewer\'s scope', async () => {
    const lurahBeta = (await signIn(t, 'region_head', { regionCodes: [BETA] })).headers
    const r = await t.json('GET', `/api/wall/summary?at=${encodeURIComponent(AT)}`, undefined, lurahBeta)
    expect(r.status).toBe(200)
    expect(r.body.open_tickets).toEqual({ today: 1, yesterday: 0, change: 1 })
    expect(r.body.late_open).toEqual({ today: 1, yesterday: 0, change: 1 })
    expect(r.body.oldest_open.map((o: { id: string }) => o.id)).toEqual([ids.F])
    expect(r.body.new_today.today).toBe(0)
  })

  it('refuses a malformed time with the field and reason', async () => {
    const r = await t.json('GET', '/api/wall/summary?at=yesterday')
    expect(r.status).toBe(422)
    expect(r.body.error.issues[0].field).toBe('at')
  })
})

describe('GET /api/wall/tickets.bin', () => {
  it('carries every open ticket, with position, category, priority, emergency, breach and report count', async () => {
    const res = await t.app.request('/api/wall/tickets.bin')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    const cols = decodeTickets(await res.arrayBuffer())
    const got = new Map<string, number>()
    for (let i = 0; i < cols.header.count; i++) got.set(bytesToUuid(cols.ids, i * 16), i)
    expect([...got.keys()].sort()).toEqual(['A', 'B', 'D', 'E', 'F', 'I', 'J'].map((n) => ids[n]).sort())
    const a = got.get(ids.A!)!
    expect(cols.header.categories[cols.categories[a]!]).toBe('kebakaran')
    expect(cols.flags[a]! & PRIORITY_MASK).toBe(1)
    expect(cols.flags[a]! & FLAG_EMERGENCY).toBeTruthy()
    expect(cols.counts[a]).toBe(4)
    expect(cols.positions[2 * a]).toBeCloseTo(106.845, 5)
    expect(cols.positions[2 * a + 1]).toBeCloseTo(-6.2, 5)
    // B's response is overdue (its due time is in the past); D was answered 10 minutes after its
    // response was due: late by the one definition, as the summary counts it (yesterday's breach).
    expect(cols.flags[got.get(ids.B!)!]! & FLAG_BREACHED).toBeTruthy()
    expect(cols.flags[got.get(ids.D!)!]! & FLAG_BREACHED).toBeTruthy()
    expect(cols.flags[got.get(ids.B!)!]! & FLAG_EMERGENCY).toBe(0)
    expect(cols.flags[got.get(ids.I!)!]! & FLAG_BREACHED).toBe(0)
  })

  it('rings as late the very tickets the header counts as open and late now (one definition)', async () => {
    const cols = decodeTickets(await (await t.app.request('/api/wall/tickets.bin')).arrayBuffer())
    let ringed = 0
    for (let i = 0; i < cols.header.count; i++) if (cols.flags[i]! & FLAG_BREACHED) ringed++
    const r = await t.json('GET', '/api/wall/summary')
    expect(r.body.open_tickets.today).toBe(cols.header.count)
    expect(r.body.late_open.today).toBe(ringed)
    expect(ringed).toBe(6)
  })

  it('keeps a region head to their regions', async () => {
    const lurahBeta = (await signIn(t, 'region_head', { regionCodes: [BETA] })).headers
    const res = await t.app.request('/api/wall/tickets.bin', { headers: lurahBeta })
    const cols = decodeTickets(await res.arrayBuffer())
    expect(cols.header.count).toBe(1)
    expect(bytesToUuid(cols.ids, 0)).toBe(ids.F)
  })
})
