import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal, Role } from '../server/auth/principal.js'
import { lockCellDeg } from '../server/incidents/incident.locks.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

let t: TestApp

type Scope = Pick<Principal, 'regionCodes' | 'agencyCode'>
/** Tests pick who is asking with the x-test-role header (and x-test-user, x-test-scope). */
const as = (role: Role, user = `${role}-1`, scope: Scope = {}) => ({ 'x-test-role': role, 'x-test-user': user, 'x-test-scope': JSON.stringify(scope) })
async function authenticate(h: Headers): Promise<Principal | null> {
  const role = h.get('x-test-role') as Role | null
  const scope = JSON.parse(h.get('x-test-scope') ?? '{}') as Scope
  return role ? { role, userId: h.get('x-test-user') ?? undefined, ...scope } : null
}

const post = (body: unknown) => t.json('POST', '/api/reports', body)
const eventsOf = async (type: string) =>
  (await t.db.db.selectFrom('events').select(['seq', 'data']).where('type', '=', type).orderBy('seq').execute()).map(
    (e) => e.data as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- event payloads are checked field by field
  )
const incidentCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents`.execute(t.db.db)).rows[0]!.n)

/** A point `north`/`east` metres from (lat, lon). */
const offset = (lat: number, lon: number, north: number, east: number) => ({
  lat: lat + north / 110_574,
  lon: lon + east / (111_320 * Math.cos((lat * Math.PI) / 180)),
})

beforeAll(async () => {
  t = await createTestApp({ authenticate })
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('incident matching on intake', () => {
  const spot = { lat: -6.2, lon: 106.845 } // inside Alfa

  it('makes one incident of four reports of one road damage from four channels, and a new one for another category or 2 km away', async () => {
    const channels = ['call_center', 'lapor', 'app', 'whatsapp'] as const
    const places = [offset(spot.lat, spot.lon, 0, 0), offset(spot.lat, spot.lon, 25, 10), offset(spot.lat, spot.lon, -15, 30), offset(spot.lat, spot.lon, 20, -20)]
    const answers: { status: number; body: any }[] = [] // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
    for (const [i, channel] of channels.entries()) answers.push(await post(reportInput({ channel, category: 'jalan_rusak', location: places[i]! })))
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201])
    expect(answers.map((a) => a.body.incident_new)).toEqual([true, false, false, false])
    const incidentId = answers[0]!.body.incident_id
    expect(answers.every((a) => a.body.incident_id === incidentId)).toBe(true)

    const inc = await t.json('GET', `/api/incidents/${incidentId}`)
    expect(inc.status).toBe(200)
    expect(inc.body).toMatchObject({ id: incidentId, category: 'jalan_rusak', status: 'new', report_count: 4, region: { code: '31.71.01.1001', name: 'Alfa' } })
    expect(inc.body.channels).toEqual(['app', 'call_center', 'lapor', 'whatsapp'])
    expect(inc.body.reports.map((r: { id: string }) => r.id).sort()).toEqual(answers.map((a) => a.body.id).sort())
    // The incident sits at the mean of its reports.
    const mean = (k: 'lat' | 'lon') => places.reduce((s, p) => s + p[k], 0) / places.length
    expect(inc.body.location.lat).toBeCloseTo(mean('lat'), 5)
    expect(inc.body.location.lon).toBeCloseTo(mean('lon'), 5)

    const other = await post(reportInput({ channel: 'app', category: 'sampah', location: places[0]! }))
    expect(other.body.incident_new).toBe(true)
    expect(other.body.incident_id).not.toBe(incidentId)
    const far = await post(reportInput({ channel: 'app', category: 'jalan_rusak', location: offset(spot.lat, spot.lon, 2000, 0) }))
    expect(far.body.incident_new).toBe(true)
    expect(far.body.incident_id).not.toBe(incidentId)

    const created = await eventsOf('incident.created')
    const updated = await eventsOf('incident.updated')
    expect(created.map((e) => e.incident.id)).toEqual(expect.arrayContaining([incidentId, other.body.incident_id, far.body.incident_id]))
    expect(updated.filter((e) => e.incident.id === incidentId).map((e) => e.incident.report_count)).toEqual([2, 3, 4])
    // The report.created event says which incident the report joined.
    const rc = (await eventsOf('report.created')).find((e) => e.id === answers[3]!.body.id)!
    expect(rc).toMatchObject({ incident_id: incidentId, incident_new: false })
  })

  it('uses the category distance: flood reports 300 m apart are one incident, potholes 300 m apart are two', async () => {
    const base = { lat: -6.195, lon: 106.855 } // inside Beta
    const f1 = await post(reportInput({ category: 'banjir', location: base }))
    const f2 = await post(reportInput({ category: 'banjir', location: offset(base.lat, base.lon, 300, 0) }))
    expect(f2.body.incident_id).toBe(f1.body.incident_id)
    const p1 = await post(reportInput({ category: 'jalan_rusak', location: base }))
    const p2 = await post(reportInput({ category: 'jalan_rusak', location: offset(base.lat, base.lon, 300, 0) }))
    expect(p2.body.incident_id).not.toBe(p1.body.incident_id)
  })

  it('opens a new incident when the open one is older than the window or no longer open', async () => {
    const base = { lat: -6.205, lon: 106.842 }
    const first = await post(reportInput({ category: 'kemacetan', location: base, reported_at: new Date(Date.now() - 8 * 3_600_000).toISOString() }))
    // Traffic: a 6-hour window; this report is 8 hours later.
    const later = await post(reportInput({ category: 'kemacetan', location: base }))
    expect(later.body.incident_id).not.toBe(first.body.incident_id)

    const a = await post(reportInput({ category: 'pohon_tumbang', location: base }))
    await sql`UPDATE incidents SET status = 'resolved' WHERE id = ${a.body.incident_id}::uuid`.execute(t.db.db)
    const b = await post(reportInput({ category: 'pohon_tumbang', location: base }))
    expect(b.body.incident_id).not.toBe(a.body.incident_id)
    expect(b.body.incident_new).toBe(true)
  })

  it('shows the incident on the report, also when a retried submission is answered', async () => {
    const body = reportInput({ channel: 'whatsapp', external_id: 'wamid.INC-1', category: 'sampah', location: { lat: -6.201, lon: 106.857 } })
    const first = await post(body)
    const again = await post(body)
    expect(again.status).toBe(200)
    expect(again.body.incident_id).toBe(first.body.incident_id)
    const got = await t.json('GET', `/api/reports/${first.body.id}`)
    expect(got.body.incident_id).toBe(first.body.incident_id)
  })

  it('gives every report exactly one incident', async () => {
    const orphans = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports WHERE incident_id IS NULL`.execute(t.db.db)
    expect(orphans.rows[0]!.n).toBe(0)
    const mismatched = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM incidents i
      WHERE i.merged_into IS NULL AND i.report_count <> (SELECT count(*) FROM reports r WHERE r.incident_id = i.id)`.execute(t.db.db)
    expect(mismatched.rows[0]!.n).toBe(0)
  })
})

describe('simultaneous reports of one place', () => {
  it('make one incident, even around a corner of the lock grid', async () => {
    // The corner where four 2x2 lock blocks meet, so the reports take different lock sets.
    const cell = lockCellDeg(50)
    const corner = { lat: (Math.round(-6.198 / cell) + 0.5) * cell, lon: (Math.round(106.852 / cell) + 0.5) * cell }
    const before = await incidentCount()
    const n = 24
    // Two reports elsewhere keep intake busy, so that these arrive together and are stored in one
    // batch: the first opens the incident, the others join it in the same transaction.
    const elsewhere = [0, 1].map((i) => post(reportInput({ category: 'sampah', location: offset(corner.lat, corner.lon, 3000 + i * 500, 0) })))
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        post(reportInput({ category: 'jalan_rusak', location: offset(corner.lat, corner.lon, ((i % 5) - 2) * 6, ((i % 7) - 3) * 6) })),
      ),
    )
    await Promise.all(elsewhere)
    expect(answers.every((a) => a.status === 201)).toBe(true)
    expect(new Set(answers.map((a) => a.body.incident_id)).size).toBe(1)
    expect(answers.filter((a) => a.body.incident_new)).toHaveLength(1)
    // One here, and one for each report elsewhere.
    expect(await incidentCount()).toBe(before + 1 + 2)
    const inc = await t.json('GET', `/api/incidents/${answers[0]!.body.incident_id}`)
    expect(inc.body.report_count).toBe(n)
    // Every answer names the agency the ticket went to, also for reports that joined it in the
    // transaction that opened it (the live feed shows a report to that agency's staff by it).
    const routed = await t.db.db.selectFrom('incidents').select('agency_code').where('id', '=', answers[0]!.body.incident_id).executeTakeFirstOrThrow()
    expect(routed.agency_code).toEqual(expect.any(String))
    expect(answers.map((a) => a.body.agency_code)).toEqual(answers.map(() => routed.agency_code))
  })
})

describe('GET /api/incidents', () => {
  it('answers GeoJSON points filtered by bbox, category, status, region and time', async () => {
    const all = await t.json('GET', '/api/incidents')
    expect(all.status).toBe(200)
    expect(all.body.type).toBe('FeatureCollection')
    expect(typeof all.body.seq).toBe('number')
    const f = all.body.features[0]
    expect(f.geometry.type).toBe('Point')
    expect(f.properties).toMatchObject({ id: f.id, category: expect.any(String), report_count: expect.any(Number) })

    const floods = await t.json('GET', '/api/incidents?category=banjir')
    expect(floods.body.features.length).toBeGreaterThan(0)
    expect(floods.body.features.every((x: any) => x.properties.category === 'banjir')).toBe(true) // eslint-disable-line @typescript-eslint/no-explicit-any

    const beta = await t.json('GET', '/api/incidents?bbox=106.85,-6.21,106.86,-6.19')
    expect(beta.body.features.length).toBeGreaterThan(0)
    expect(beta.body.features.every((x: any) => x.geometry.coordinates[0] >= 106.85)).toBe(true) // eslint-disable-line @typescript-eslint/no-explicit-any
    const betaByRegion = await t.json('GET', '/api/incidents?region=31.71.01.1002')
    expect(betaByRegion.body.features.every((x: any) => x.properties.region?.code === '31.71.01.1002')).toBe(true) // eslint-disable-line @typescript-eslint/no-explicit-any
    const underKecamatan = await t.json('GET', '/api/incidents?region=31.71.01')
    expect(underKecamatan.body.features.length).toBeGreaterThan(betaByRegion.body.features.length)

    const open = await t.json('GET', '/api/incidents?status=open')
    const resolved = await t.json('GET', '/api/incidents?status=resolved')
    expect(resolved.body.features.length).toBeGreaterThan(0)
    expect(open.body.features.some((x: any) => x.properties.status === 'resolved')).toBe(false) // eslint-disable-line @typescript-eslint/no-explicit-any

    const future = await t.json('GET', `/api/incidents?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)
    expect(future.body.features).toEqual([])
  })

  it('refuses bad filters with the field named', async () => {
    for (const [q, field] of [
      ['bbox=1,2,3', 'bbox'],
      ['bbox=107,-6,106,-5', 'bbox'],
      ['status=lost', 'status'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
    ]) {
      const res = await t.json('GET', `/api/incidents?${q}`)
      expect(res.status, q).toBe(422)
      expect(res.body.error.issues.map((i: { field: string }) => i.field).join(' '), q).toContain(field)
    }
    expect((await t.json('GET', '/api/incidents/not-a-uuid')).status).toBe(422)
    expect((await t.json('GET', '/api/incidents/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })

  it("hides a private reporter's identity in the incident's reports from all but admins and operators", async () => {
    const r = await post(
      reportInput({ category: 'keamanan', location: { lat: -6.193, lon: 106.843 }, reporter: { name: 'Siti Rahayu', phone: '+62 812 555 0101', private: true } }),
    )
    const path = `/api/incidents/${r.body.incident_id}`
    // Scoped roles in whose part the incident lies (security: Polres; the kelurahan's head).
    const scopes: Partial<Record<Role, Scope>> = {
      agency_staff: { agencyCode: 'polres' },
      field_officer: { agencyCode: 'polres' },
      region_head: { regionCodes: [r.body.region.code] },
    }
    for (const role of ['display', 'leadership', 'agency_staff', 'field_officer', 'region_head'] as const) {
      const res = await t.json('GET', path, undefined, as(role, `${role}-1`, scopes[role]))
      expect(res.status, role).toBe(200)
      expect(res.body.reports[0].reporter, role).toBeUndefined()
      expect(JSON.stringify(res.body), role).not.toContain('Siti')
    }
    const op = await t.json('GET', path, undefined, as('operator'))
    expect(op.body.reports[0].reporter).toMatchObject({ name: 'Siti Rahayu', private: true })
    const events = await t.db.db.selectFrom('events').select('data').execute()
    expect(JSON.stringify(events)).not.toContain('Siti')
    expect(JSON.stringify(events)).not.toContain('555 0101')
  })
})

describe('merging and splitting incidents', () => {
  const base = { lat: -6.2085, lon: 106.8565 }
  let a: string
  let b: string
  let bReports: string[]

  beforeAll(async () => {
    const a1 = await post(reportInput({ channel: 'app', category: 'drainase', location: base }))
    const a2 = await post(reportInput({ channel: 'lapor', category: 'drainase', location: offset(base.lat, base.lon, 20, 0) }))
    const b1 = await post(reportInput({ channel: 'whatsapp', category: 'drainase', location: offset(base.lat, base.lon, 250, 0) }))
    a = a1.body.incident_id
    b = b1.body.incident_id
    expect(a2.body.incident_id).toBe(a)
    expect(b).not.toBe(a)
    bReports = [b1.body.id]
  })

  it('lets only operators and admins merge, with a reason', async () => {
    expect((await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: b, reason: 'same blocked drain' })).status).toBe(403)
    expect((await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: b, reason: 'same blocked drain' }, as('agency_staff'))).status).toBe(403)
    const noReason = await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: b }, as('operator'))
    expect(noReason.status).toBe(422)
    expect(noReason.body.error.issues[0].field).toBe('reason')
    expect((await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: a, reason: 'same drain' }, as('operator'))).status).toBe(422)
    const unknown = '00000000-0000-4000-8000-000000000000'
    expect((await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: unknown, reason: 'same drain' }, as('operator'))).status).toBe(404)
    expect((await t.json('GET', `/api/incidents/${b}`)).body.report_count).toBe(1)
  })

  it('merges one incident into another: reports move, the other is closed, an event says who and why', async () => {
    const res = await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: b, reason: 'same blocked drain' }, as('operator', 'op-7'))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ changed: true, merged_id: b, moved_report_ids: bReports, incident: { id: a, report_count: 3 } })
    expect(res.body.incident.channels).toEqual(['app', 'lapor', 'whatsapp'])
    const gone = await t.json('GET', `/api/incidents/${b}`)
    expect(gone.body).toMatchObject({ merged_into: a, status: 'closed', report_count: 0, reports: [] })
    const list = await t.json('GET', '/api/incidents?category=drainase')
    expect(list.body.features.map((f: { id: string }) => f.id)).not.toContain(b)
    const ev = (await eventsOf('incident.merged')).at(-1)!
    expect(ev).toMatchObject({ merged_id: b, incident: { id: a, report_count: 3 }, by: { user_id: 'op-7', role: 'operator' }, reason: 'same blocked drain' })

    // A retry changes nothing and logs nothing.
    const again = await t.json('POST', `/api/incidents/${a}/merge`, { incident_id: b, reason: 'same blocked drain' }, as('operator', 'op-7'))
    expect(again.status).toBe(200)
    expect(again.body.changed).toBe(false)
    expect(await eventsOf('incident.merged')).toHaveLength(1)
    // Merging into the merged-away incident is refused.
    expect((await t.json('POST', `/api/incidents/${b}/merge`, { incident_id: a, reason: 'undo' }, as('operator'))).status).toBe(409)
  })

  it('splits a report out into a new incident, once, and logs who and why', async () => {
    const res = await t.json('POST', `/api/incidents/${a}/split`, { report_ids: bReports, reason: 'different drain, 250 m apart' }, as('admin', 'adm-1'))
    expect(res.status).toBe(201)
    expect(res.body.from).toMatchObject({ id: a, report_count: 2 })
    expect(res.body.to).toMatchObject({ split_from: a, report_count: 1, category: 'drainase', channels: ['whatsapp'] })
    const to = await t.json('GET', `/api/incidents/${res.body.to.id}`)
    expect(to.body.reports.map((r: { id: string }) => r.id)).toEqual(bReports)
    const ev = (await eventsOf('incident.split')).at(-1)!
    expect(ev).toMatchObject({ from: { id: a }, to: { id: res.body.to.id }, report_ids: bReports, by: { user_id: 'adm-1', role: 'admin' }, reason: 'different drain, 250 m apart' })

    const again = await t.json('POST', `/api/incidents/${a}/split`, { report_ids: bReports, reason: 'different drain, 250 m apart' }, as('admin', 'adm-1'))
    expect(again.status).toBe(200)
    expect(again.body.to.id).toBe(res.body.to.id)
    expect(await eventsOf('incident.split')).toHaveLength(1)
  })

  it('refuses a split that would empty the incident or names a report from elsewhere', async () => {
    const inc = await t.json('GET', `/api/incidents/${a}`)
    const all = inc.body.reports.map((r: { id: string }) => r.id)
    expect((await t.json('POST', `/api/incidents/${a}/split`, { report_ids: all, reason: 'all of them' }, as('operator'))).status).toBe(422)
    expect((await t.json('POST', `/api/incidents/${a}/split`, { report_ids: bReports, reason: 'not here any more' }, as('operator'))).status).toBe(200)
    const stranger = (await post(reportInput({ category: 'sampah', location: { lat: -6.19, lon: 106.84 } }))).body.id
    const res = await t.json('POST', `/api/incidents/${a}/split`, { report_ids: [stranger], reason: 'not in it' }, as('operator'))
    expect(res.status).toBe(409)
    expect((await t.json('GET', `/api/incidents/${a}`)).body.report_count).toBe(2)
  })
})
