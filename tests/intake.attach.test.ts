import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal, Role } from '../server/auth/principal.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// An operator attaches a phone call to an open incident they saw nearby (POST /api/reports with incident_id).

let t: TestApp

const as = (role: Role) => ({ 'x-test-role': role, 'x-test-user': `${role}-1` })
async function authenticate(h: Headers): Promise<Principal | null> {
  const role = h.get('x-test-role') as Role | null
  return role ? { role, userId: h.get('x-test-user') ?? undefined } : null
}

const post = (body: unknown, headers: Record<string, string> = {}) => t.json('POST', '/api/reports', body, headers)
const count = async (table: 'reports' | 'incidents') => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db.db)).rows[0]!.n)
const north = (p: { lat: number; lon: number }, m: number) => ({ lat: p.lat + m / 110_574, lon: p.lon })

beforeAll(async () => {
  t = await createTestApp({ authenticate })
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('attaching a report to a named incident', () => {
  const spot = { lat: -6.2, lon: 106.845 } // inside Alfa

  it('joins the named open incident even beyond the match radius, as a call-center report', async () => {
    const first = await post(reportInput({ channel: 'app', category: 'jalan_rusak', location: spot }))
    expect(first.status).toBe(201)
    const incidentId = first.body.incident_id as string
    // 300 m away: potholes match within 50 m, so without incident_id this would be a new incident.
    const away = north(spot, 300)
    const control = await post(reportInput({ channel: 'web', category: 'jalan_rusak', location: north(spot, -300) }))
    expect(control.body.incident_new).toBe(true)

    const incidentsBefore = await count('incidents')
    const callBody = reportInput({ channel: 'call_center', category: 'jalan_rusak', location: away, incident_id: incidentId })
    const call = await post(callBody, { 'idempotency-key': 'call-attach-1', ...as('operator') })
    expect(call.status).toBe(201)
    // It joined; it opened nothing of its own.
    expect(await count('incidents')).toBe(incidentsBefore)
    expect(call.body).toMatchObject({ channel: 'call_center', incident_id: incidentId, incident_new: false, duplicate: false })

    const inc = await t.json('GET', `/api/incidents/${incidentId}`, undefined, as('operator'))
    expect(inc.body.report_count).toBe(2)
    expect(inc.body.channels).toEqual(['app', 'call_center'])
    expect(inc.body.reports.map((r: { id: string }) => r.id).sort()).toEqual([first.body.id, call.body.id].sort())
    // The incident now sits between its two reports.
    expect(inc.body.location.lat).toBeCloseTo((spot.lat + away.lat) / 2, 5)
    const stored = await t.json('GET', `/api/reports/${call.body.id}`, undefined, as('operator'))
    expect(stored.body).toMatchObject({ channel: 'call_center', incident_id: incidentId })

    const updated = await t.db.db.selectFrom('events').select('data').where('type', '=', 'incident.updated').execute()
    expect(updated.some((e) => (e.data as { report_id?: string }).report_id === call.body.id)).toBe(true)
    const created = await t.db.db.selectFrom('events').select('data').where('type', '=', 'report.created').execute()
    expect(created.find((e) => (e.data as { id: string }).id === call.body.id)?.data).toMatchObject({ incident_id: incidentId, incident_new: false })

    // The operator pressed Enter twice: the retry answers with the first report and stores nothing.
    const reportsBefore = await count('reports')
    const retry = await post(callBody, { 'idempotency-key': 'call-attach-1', ...as('operator') })
    expect(retry.status).toBe(200)
    expect(retry.body).toMatchObject({ id: call.body.id, duplicate: true })
    expect(await count('reports')).toBe(reportsBefore)
    expect((await t.json('GET', `/api/incidents/${incidentId}`, undefined, as('operator'))).body.report_count).toBe(2)
  })

  it('refuses with 422 on incident_id, storing nothing, when the incident is closed, unknown, of another category, or not a UUID', async () => {
    const open = await post(reportInput({ category: 'sampah', location: north(spot, 600) }))
    const closed = await post(reportInput({ category: 'sampah', location: north(spot, 900) }))
    await sql`UPDATE incidents SET status = 'resolved' WHERE id = ${closed.body.incident_id}::uuid`.execute(t.db.db)
    const before = { reports: await count('reports'), incidents: await count('incidents'), events: await t.db.db.selectFrom('events').select('seq').execute() }

    const cases: [string, unknown][] = [
      ['closed', closed.body.incident_id],
      ['unknown', '00000000-0000-4000-8000-000000000000'],
      ['other category', open.body.incident_id],
      ['not a uuid', 'incident-7'],
    ]
    for (const [why, incident_id] of cases) {
      const category = why === 'other category' ? 'banjir' : 'sampah'
      const res = await post(reportInput({ channel: 'call_center', category, location: north(spot, 610), incident_id: incident_id as string }), { 'idempotency-key': `refused-${why}`, ...as('operator') })
      expect(res.status, why).toBe(422)
      expect(res.body.error.issues.map((i: { field: string }) => i.field), why).toEqual(['incident_id'])
    }
    expect(await count('reports')).toBe(before.reports)
    expect(await count('incidents')).toBe(before.incidents)
    expect((await t.db.db.selectFrom('events').select('seq').execute()).length).toBe(before.events.length)
    expect((await t.json('GET', `/api/incidents/${closed.body.incident_id}`, undefined, as('operator'))).body).toMatchObject({ status: 'resolved', report_count: 1 })
    expect((await t.json('GET', `/api/incidents/${open.body.incident_id}`, undefined, as('operator'))).body.report_count).toBe(1)

    // The refusal is not remembered against the key: once corrected, the same form saves.
    const fixed = await post(reportInput({ channel: 'call_center', category: 'sampah', location: north(spot, 610), incident_id: open.body.incident_id }), { 'idempotency-key': 'refused-closed', ...as('operator') })
    expect(fixed.status).toBe(201)
    expect(fixed.body.incident_id).toBe(open.body.incident_id)
  })

  it('follows an incident merged away while the call was taken to the incident it was merged into', async () => {
    const a = await post(reportInput({ category: 'drainase', location: { lat: -6.195, lon: 106.855 } })) // Beta
    const b = await post(reportInput({ category: 'drainase', location: { lat: -6.205, lon: 106.855 } }))
    expect(b.body.incident_id).not.toBe(a.body.incident_id)
    const merged = await t.json('POST', `/api/incidents/${a.body.incident_id}/merge`, { incident_id: b.body.incident_id, reason: 'satu saluran' }, as('operator'))
    expect(merged.status).toBe(200)

    const call = await post(reportInput({ channel: 'call_center', category: 'drainase', location: { lat: -6.2, lon: 106.855 }, incident_id: b.body.incident_id }), as('operator'))
    expect(call.status).toBe(201)
    expect(call.body.incident_id).toBe(a.body.incident_id)
    expect((await t.json('GET', `/api/incidents/${a.body.incident_id}`, undefined, as('operator'))).body.report_count).toBe(3)
  })
})
