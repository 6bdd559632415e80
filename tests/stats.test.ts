import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { periodRange } from '../server/stats/period.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA } from './helpers/tickets.js'

let t: TestApp
let leadership: Record<string, string>
let puprStaff: Record<string, string>
let lurahBeta: Record<string, string>

const wib = (s: string) => new Date(`${s}:00+07:00`)
const plus = (d: Date, min: number) => new Date(d.getTime() + min * 60_000)

interface Fixture {
  created: string
  agency: string
  region: string
  respond?: number
  resolve?: number
  due?: number
  status?: string
  breached?: boolean
}

/** Tickets with known times, written directly (as if they had lived through the lifecycle). */
async function insertTicket(f: Fixture) {
  const created = wib(f.created)
  const resolved = f.resolve === undefined ? null : plus(created, f.resolve)
  const status = f.status ?? (resolved ? 'resolved' : f.respond !== undefined ? 'in_progress' : 'new')
  const ended = resolved ?? (status === 'rejected' ? plus(created, f.respond ?? 0) : null)
  const lon = f.region === ALFA ? 106.845 : 106.855
  await sql`
    INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at, created_at,
      status, agency_code, routed_at, response_due_at, resolve_due_at, first_response_at, resolved_at, ended_at, resolve_breached_at)
    VALUES ('jalan_rusak', ST_SetSRID(ST_MakePoint(${lon}, -6.2), 4326), ${f.region}, 1, '{app}', ${created}, ${created}, ${created},
      ${status}, ${f.agency}, ${created}, ${plus(created, 1440)}, ${plus(created, f.due ?? 720)},
      ${f.respond === undefined ? null : plus(created, f.respond)}, ${resolved}, ${ended}, ${f.breached ? plus(created, f.due ?? 720) : null})`.execute(t.db.db)
}

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  leadership = (await signIn(t, 'leadership')).headers
  puprStaff = (await signIn(t, 'agency_staff', { agencyCode: 'pupr' })).headers
  lurahBeta = (await signIn(t, 'region_head', { regionCodes: [BETA] })).headers
  const fixtures: Fixture[] = [
    // PUPR in March 2025 (WIB)
    { created: '2025-03-03T08:00', agency: 'pupr', region: ALFA, respond: 30, resolve: 600 }, // within SLA (720)
    { created: '2025-03-04T08:00', agency: 'pupr', region: ALFA, respond: 90, resolve: 1500, breached: true }, // late
    { created: '2025-03-05T08:00', agency: 'pupr', region: ALFA, respond: 60 }, // open
    { created: '2025-03-06T08:00', agency: 'pupr', region: ALFA, respond: 10, resolve: 300 }, // within
    { created: '2025-03-07T08:00', agency: 'pupr', region: BETA, breached: true }, // never answered, open
    { created: '2025-02-20T08:00', agency: 'pupr', region: ALFA, respond: 5 }, // before March, still open: backlog only
    { created: '2025-02-20T09:00', agency: 'pupr', region: ALFA, respond: 5, resolve: 60 }, // before March, done: nowhere
    { created: '2025-04-02T08:00', agency: 'pupr', region: ALFA, respond: 5 }, // after March: nowhere
    // DLH
    { created: '2025-03-10T08:00', agency: 'dlh', region: BETA, respond: 20, resolve: 100, due: 4320 },
    { created: '2025-03-11T08:00', agency: 'dlh', region: BETA, respond: 5, status: 'rejected' },
  ]
  for (const f of fixtures) await insertTicket(f)
})
afterAll(() => t.close())

describe('response statistics', () => {
  it('per agency for a month, against figures computed by hand', async () => {
    const res = await t.json('GET', '/api/stats/response?period=2025-03&group=agency', undefined, leadership)
    expect(res.status).toBe(200)
    expect(res.body.from).toBe('2025-02-28T17:00:00.000Z') // 1 March 00:00 WIB
    const [dlh, pupr] = res.body.rows
    // PUPR: responses 10, 30, 60, 90 min -> median (30+60)/2 = 45; p90 = 60 + 0.7 x 30 = 81.
    // Resolutions 300, 600, 1500 -> median 600; p90 = 600 + 0.8 x 900 = 1320; 2 of 3 within 720.
    // Backlog at 1 April: the two open March tickets and the open February one.
    // Late: the one resolved after its due time, the one never answered, and the one answered
    // but still open long after its resolution was due (no checker flagged it: it is late all the same).
    expect(pupr).toEqual({
      agency_code: 'pupr', region_code: null, received: 5, responded: 4, response_p50_min: 45, response_p90_min: 81, responded_within_sla: 4,
      resolved: 3, resolve_p50_min: 600, resolve_p90_min: 1320, resolved_within_sla: 2, share_within_sla: 0.6667, breached: 3, rejected: 0, backlog: 3,
      // Red (JAKI): the three still open, untouched for far more than six days by now.
      red: 3,
      rejected_hoax: 0, rejected_prank: 0, rejected_duplicate: 0, rejected_out_of_scope: 0,
    })
    // DLH: responses 5, 20 -> median 12.5, p90 = 5 + 0.9 x 15 = 18.5; one resolution of 100 min within SLA.
    expect(dlh).toEqual({
      agency_code: 'dlh', region_code: null, received: 2, responded: 2, response_p50_min: 12.5, response_p90_min: 18.5, responded_within_sla: 2,
      resolved: 1, resolve_p50_min: 100, resolve_p90_min: 100, resolved_within_sla: 1, share_within_sla: 1, breached: 0, rejected: 1, backlog: 0, red: 0,
      rejected_hoax: 0, rejected_prank: 0, rejected_duplicate: 0, rejected_out_of_scope: 0,
    })
  })

  it('per kelurahan and per kecamatan', async () => {
    const byKel = await t.json('GET', '/api/stats/response?period=2025-03&group=region', undefined, leadership)
    expect(byKel.body.rows.map((r: { region_code: string; received: number; backlog: number }) => [r.region_code, r.received, r.backlog])).toEqual([
      [ALFA, 4, 2],
      [BETA, 3, 1],
    ])
    const byKec = await t.json('GET', '/api/stats/response?period=2025-03&group=region&level=kecamatan', undefined, leadership)
    expect(byKec.body.rows).toMatchObject([{ region_code: '31.71.01', received: 7, backlog: 3, resolved: 4 }])
  })

  it('keeps agency staff to their agency and a region head to their region', async () => {
    const pupr = await t.json('GET', '/api/stats/response?period=2025-03&group=agency&agency=dlh', undefined, puprStaff)
    expect(pupr.body.rows.map((r: { agency_code: string }) => r.agency_code)).toEqual([]) // asked for DLH, scoped to PUPR
    const mine = await t.json('GET', '/api/stats/response?period=2025-03&group=agency', undefined, puprStaff)
    expect(mine.body.rows.map((r: { agency_code: string }) => r.agency_code)).toEqual(['pupr'])
    const lurah = await t.json('GET', '/api/stats/response?period=2025-03&group=region', undefined, lurahBeta)
    expect(lurah.body.rows.map((r: { region_code: string }) => r.region_code)).toEqual([BETA])
  })

  it('serves the heatmap compactly, for one agency or all', async () => {
    const all = await t.json('GET', '/api/stats/heatmap?period=2025-03')
    expect(all.status).toBe(200)
    expect(all.body).toMatchObject({
      regions: [ALFA, BETA],
      received: [4, 3],
      backlog: [2, 1],
      breached: [2, 1], // Alfa: the one resolved late and the one still open past its due time
      response_p50_min: [45, 12.5],
      share_within_sla: [0.6667, 1],
    })
    expect(typeof all.body.seq).toBe('number')
    const dlh = await t.json('GET', '/api/stats/heatmap?period=2025-03&agency=dlh')
    expect(dlh.body).toMatchObject({ agency: 'dlh', regions: [BETA], received: [2] })
  })

  it('exports the figures as CSV', async () => {
    const res = await t.app.request('/api/stats/response.csv?period=2025-03&group=agency', { headers: leadership })
    expect(res.status).toBe(200)
    const lines = (await res.text()).trim().split('\n')
    expect(lines[0]).toBe(
      'from,to,agency_code,region_code,received,responded,response_p50_min,response_p90_min,responded_within_sla,resolved,resolve_p50_min,resolve_p90_min,resolved_within_sla,share_within_sla,breached,rejected,backlog,rejected_hoax,rejected_prank,rejected_duplicate,rejected_out_of_scope',
    )
    expect(lines[2]).toBe('2025-03-01T00:00:00+07:00,2025-04-01T00:00:00+07:00,pupr,,5,4,45,81,4,3,600,1320,2,0.6667,3,0,3,0,0,0,0')
  })

  it('validates its input', async () => {
    expect((await t.json('GET', '/api/stats/response?period=2025-13')).status).toBe(422)
    expect((await t.json('GET', '/api/stats/response?group=city')).status).toBe(422)
    expect((await t.json('GET', '/api/stats/response?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z')).status).toBe(422)
  })
})

describe('periods and working days', () => {
  it('turns period names into WIB ranges', () => {
    expect(periodRange('2025-Q2')).toEqual({ from: wib('2025-04-01T00:00'), to: wib('2025-07-01T00:00') })
    expect(periodRange('2025-S2')).toEqual({ from: wib('2025-07-01T00:00'), to: wib('2026-01-01T00:00') })
    expect(periodRange('2025-12')).toEqual({ from: wib('2025-12-01T00:00'), to: wib('2026-01-01T00:00') })
    expect(periodRange('2024')).toEqual({ from: wib('2024-01-01T00:00'), to: wib('2025-01-01T00:00') })
  })

  it('counts working-day SLAs without weekends and holidays, in WIB', async () => {
    // The rule is the SQL function every routing uses (migrations/0008_route_at_intake.sql).
    const due = async (start: Date, minutes: number, working: boolean) =>
      (await sql<{ d: Date }>`SELECT sigap_sla_due(${start.toISOString()}::timestamptz, ${minutes}::int, ${working}) AS d`.execute(t.db.db)).rows[0]!.d
    const friday = wib('2025-03-07T16:00')
    // 3 working days from Friday 16:00: Fri 8 h + Mon + Tue + Wed 16 h.
    expect(await due(friday, 3 * 1440, true)).toEqual(wib('2025-03-12T16:00'))
    expect(await due(friday, 3 * 1440, false)).toEqual(wib('2025-03-10T16:00'))
    // Received on a Saturday: the clock starts Monday 00:00 WIB.
    expect(await due(wib('2025-03-08T10:00'), 60, true)).toEqual(wib('2025-03-10T01:00'))
    // A holiday on the Monday pushes it a day further.
    await sql`INSERT INTO holidays (day, name) VALUES ('2025-03-10', 'test holiday')`.execute(t.db.db)
    try {
      expect(await due(friday, 3 * 1440, true)).toEqual(wib('2025-03-13T16:00'))
    } finally {
      await sql`DELETE FROM holidays WHERE day = '2025-03-10'`.execute(t.db.db)
    }
  })
})
