import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { checkLocationsCommand } from '../server/locations/location.cli.js'
import { recheckLocations } from '../server/locations/location.recheck.js'
import { importRegions, importRegionsFile } from '../server/regions/region.import.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { across, inside, PASEBAN, RAWASARI, type Pt } from './helpers/boundaries.js'
import { reportInput } from './helpers/factories.js'
import { HAVE_SHARED, sharedFile } from './helpers/shared-data.js'

let t: TestApp
const OPERATOR = { 'x-test-principal': JSON.stringify({ role: 'operator' } satisfies Principal) }

async function intake(at: Pt, claimed_region: string) {
  const res = await t.json('POST', '/api/reports', reportInput({ location: at, claimed_region }))
  expect(res.status).toBe(201)
  return res.body as { id: string; location_check: { status: string; dispute_id: string | null } }
}
const stateOf = async (disputeId: string) => (await t.db.db.selectFrom('location_disputes').select('state').where('id', '=', disputeId).executeTakeFirstOrThrow()).state
const reportOf = (id: string) => t.db.db.selectFrom('reports').select(['location_status', 'region_code']).where('id', '=', id).executeTakeFirstOrThrow()

/** Rawasari re-imported with its outline grown by `metres` around a point: "new boundaries". */
async function growRawasari(around: Pt, metres: number) {
  const r = await sql<{ geometry: string; props: Record<string, unknown> }>`
    SELECT ST_AsGeoJSON(ST_Union(geom, ST_Buffer(ST_SetSRID(ST_MakePoint(${around.lon}, ${around.lat}), 4326)::geography, ${metres})::geometry)) AS geometry, props
    FROM regions WHERE code = ${RAWASARI}`.execute(t.db.db)
  const row = r.rows[0]!
  await importRegions(t.db.db, [{ code: RAWASARI, name: 'Rawasari', level: 'kelurahan', parent_code: '31.71.05', geometry: JSON.parse(row.geometry), props: row.props }])
}

describe.skipIf(!HAVE_SHARED)('check-locations: re-checking stored reports after new boundaries', () => {
  beforeAll(async () => {
    t = await createTestApp({ authenticate: async (h) => (h.get('x-test-principal') ? (JSON.parse(h.get('x-test-principal')!) as Principal) : null) })
    await importRegionsFile(t.db.db, sharedFile('jakarta_kelurahan.geojson'))
  })
  afterAll(() => t?.close())

  it('records the transitions, clears disputes that are no longer mismatches, opens new ones, and keeps settled decisions', async () => {
    const inRawasari = await inside(t.db.db, RAWASARI)
    const near = await across(t.db.db, RAWASARI, PASEBAN, 200, 260)
    const far = await across(t.db.db, RAWASARI, PASEBAN, 600, 800)
    const fine = await intake(inRawasari, 'Rawasari')
    const healed = await intake(near, 'Kel. Rawasari')
    const moved = await intake(far, 'Rawasari')
    // Citalang is a desa in Purwakarta, not imported yet: an unknown claim for now.
    const later = await intake(inRawasari, 'Desa Citalang, Kec. Tegalwaru')
    expect([fine, healed, moved, later].map((r) => r.location_check.status)).toEqual(['match', 'mismatch', 'mismatch', 'unknown_claim'])
    // The far one is settled: moved to Paseban by the operator.
    const decided = await t.json('POST', `/api/disputes/${moved.location_check.dispute_id}/decide`, { decision: 'move', reason: 'Di Paseban' }, OPERATOR)
    expect(decided.status).toBe(200)
    // A report stored before the location check existed.
    await sql`INSERT INTO reports (channel, category_code, description, location, claimed_region, reported_at)
              VALUES ('app', 'sampah', 'lama', ST_SetSRID(ST_MakePoint(${inRawasari.lon}, ${inRawasari.lat}), 4326), 'Rawasari', now())`.execute(t.db.db)

    // Nothing changed yet: a re-check writes nothing but the one old report.
    const first = await recheckLocations(t.deps)
    expect(first.transitions).toEqual({ 'unchecked → match': 1 })

    // New boundaries: Rawasari now reaches the "near" point (not the far one); Purwakarta arrives.
    await growRawasari(near, 40)
    await importRegionsFile(t.db.db, sharedFile('purwakarta_desa.geojson'))
    const mark = Number((await t.db.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirstOrThrow()).m)
    const r = await recheckLocations(t.deps, { batchSize: 2 }) // small batches: the cursor must cover every report
    expect(r.checked).toBe(5)
    expect(r.transitions).toEqual({ 'mismatch → match': 1, 'unknown_claim → mismatch': 1 })
    expect(r.disputesCleared).toBe(1)
    expect(r.disputesOpened).toBe(1)
    expect(await stateOf(healed.location_check.dispute_id!)).toBe('cleared')
    expect(await reportOf(healed.id)).toEqual({ location_status: 'match', region_code: RAWASARI })
    // The settled report stays where the decision put it.
    expect(await reportOf(moved.id)).toEqual({ location_status: 'mismatch', region_code: PASEBAN })
    const opened = await t.db.db.selectFrom('location_disputes').select(['claimed_region_code', 'detected_region_code', 'state']).where('report_id', '=', later.id).execute()
    expect(opened).toEqual([{ claimed_region_code: '32.14.08.2002', detected_region_code: RAWASARI, state: 'open' }])
    const ev = await t.db.db.selectFrom('events').select('type').where('seq', '>', mark).execute()
    expect(new Set(ev.map((e) => e.type))).toEqual(new Set(['dispute.cleared', 'dispute.opened', 'locations.rechecked']))

    // Again: nothing left to change.
    expect((await recheckLocations(t.deps)).changed).toBe(0)
  })

  it('comes to the same outcome as intake did, for points and claims of every kind', async () => {
    // 60 points spread over Jakarta and Purwakarta, each claimed in one of the ways people do.
    const pts = await sql<{ lon: number; lat: number; own: string; other: string; code: string }>`
      WITH r AS (SELECT code, name, geom, row_number() OVER (ORDER BY md5(code)) AS i FROM regions WHERE level = 'kelurahan' LIMIT 60)
      SELECT ST_X(p.g) AS lon, ST_Y(p.g) AS lat, r.name AS own, r.code,
             (SELECT o.name FROM regions o WHERE o.code <> r.code AND ST_DWithin(o.geom, r.geom, 0.0001) ORDER BY o.code LIMIT 1) AS other
      FROM r, LATERAL (SELECT (ST_Dump(ST_GeneratePoints(r.geom, 1, r.i::int))).geom AS g) p`.execute(t.db.db)
    const forms = (p: { own: string; other: string | null; code: string }, i: number) =>
      [p.own, `Kel. ${p.own.toUpperCase()}`, p.code, p.other ?? 'Citalang', 'Citalang', 'Rawasari', `${p.own}, Entah`, 'Antah Berantah', ''][i % 9]!
    for (const [i, p] of pts.rows.entries()) {
      const res = await t.json('POST', '/api/reports', reportInput({ location: { lon: p.lon, lat: p.lat, accuracy_m: (i % 4) * 20 }, ...(forms(p, i) ? { claimed_region: forms(p, i) } : {}) }))
      expect(res.status).toBe(201)
    }
    const statuses = await sql<{ s: string }>`SELECT DISTINCT location_status AS s FROM reports`.execute(t.db.db)
    expect(statuses.rows.map((r) => r.s).sort()).toEqual(expect.arrayContaining(['match', 'mismatch', 'unclaimed', 'unknown_claim']))
    const r = await recheckLocations(t.deps, { batchSize: 25 })
    expect(r.changed).toBe(0)
  })

  it('prints what changed from the command line', async () => {
    const lines: string[] = []
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')))
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const complain = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      expect(await checkLocationsCommand(t.deps.config, t.db, { batch: 'many' })).toBe(2)
      expect(await checkLocationsCommand(t.deps.config, t.db, {})).toBe(0)
    } finally {
      log.mockRestore()
      err.mockRestore()
      complain.mockRestore()
    }
    expect(lines.join('\n')).toMatch(/checked \d+ reports in .*; 0 changed/)
    expect(lines.join('\n')).toMatch(/disputes opened: 0, cleared: 0/)
    expect(lines.join('\n')).toMatch(/now: .*match \d+/)
  })
})
