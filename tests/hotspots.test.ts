import { latLngToCell } from 'h3-js'
import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../server/db/database.js'
import { resolutionForZoom } from '../server/hotspots/density.service.js'
import { HotspotScheduler } from '../server/hotspots/hotspot.scheduler.js'
import { computeHotspots } from '../server/hotspots/hotspot.service.js'
import { standardWindow } from '../server/hotspots/hotspot.window.js'
import { importRegionsFile } from '../server/regions/region.import.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { HAVE_SHARED, sharedFile } from './helpers/shared-data.js'

// Generated report sets on real Jakarta kelurahan boundaries, with clusters placed on purpose:
// the hotspots found must be exactly those clusters, with their categories, regions and trends.

interface Gen {
  id: string
  category: string
  lat: number
  lon: number
  hoursAgo: number
}

/** mulberry32: the same seed gives the same reports on every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = rng(20_241_123)
let serial = 0
const uuid = () => `00000000-0000-4000-8000-${(++serial).toString(16).padStart(12, '0')}`
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())

/** `n` reports scattered (normal, sigma metres) around a point, at random times in [fromH, toH) hours ago. */
function around(c: { lat: number; lon: number }, n: number, sigmaM: number, cats: string[], fromH: number, toH: number): Gen[] {
  return Array.from({ length: n }, (_, i) => ({
    id: uuid(),
    category: cats[i % cats.length]!,
    lat: c.lat + (gauss() * sigmaM) / 110_574,
    lon: c.lon + (gauss() * sigmaM) / 110_000,
    hoursAgo: fromH + rand() * (toH - fromH),
  }))
}

/** Bulk insert with the region that contains each point, as intake would store it. */
async function insertGenerated(db: Kysely<Database>, rows: Gen[], now: Date) {
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500).map((r) => ({ ...r, t: new Date(now.getTime() - r.hoursAgo * 3_600_000).toISOString() }))
    await sql`
      INSERT INTO reports (id, channel, category_code, description, location, region_code, reported_at)
      SELECT x.id, 'app', x.category, 'generated', ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326),
             (SELECT p.region_code FROM region_parts p WHERE ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326))
              ORDER BY p.level = 'kelurahan' DESC, p.region_code LIMIT 1),
             x.t
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS x(id uuid, category text, lat float8, lon float8, t timestamptz)`.execute(db)
  }
}

interface Truth {
  name: string
  code: string
  centre: { lat: number; lon: number }
  count: number
  mainCategory: string
  direction: 'growing' | 'stable' | 'shrinking'
}

describe.skipIf(!HAVE_SHARED)('hotspots on Jakarta kelurahan', () => {
  let t: TestApp
  const now = new Date()
  const truths: Truth[] = []
  let generated: Gen[] = []

  beforeAll(async () => {
    t = await createTestApp()
    await importRegionsFile(t.db.db, sharedFile('jakarta_kecamatan.geojson'))
    await importRegionsFile(t.db.db, sharedFile('jakarta_kelurahan.geojson'))
    // One kelurahan in each of four cities of Jakarta, at a point inside it.
    const picks = await sql<{ code: string; lat: number; lon: number }>`
      SELECT DISTINCT ON (left(code, 5)) code, ST_Y(label_point) AS lat, ST_X(label_point) AS lon
      FROM regions WHERE level = 'kelurahan' AND left(code, 5) IN ('31.71', '31.73', '31.74', '31.75') ORDER BY left(code, 5), code`.execute(t.db.db)
    const [a, b, c, d] = picks.rows
    const gen: Gen[] = []
    const add = (name: string, p: { code: string; lat: number; lon: number }, n: number, cats: string[], prevN: number, direction: Truth['direction']) => {
      gen.push(...around(p, n, 60, cats, 0, 23.5), ...around(p, prevN, 60, cats, 24.5, 47.5))
      truths.push({ name, code: p.code, centre: { lat: p.lat, lon: p.lon }, count: n, mainCategory: cats[0]!, direction })
    }
    add('A: road damage, growing', a!, 40, ['jalan_rusak', 'jalan_rusak', 'jalan_rusak', 'sampah'], 5, 'growing')
    add('B: flood, shrinking', b!, 25, ['banjir'], 60, 'shrinking')
    add('C: mixed, stable', c!, 21, ['sampah', 'sampah', 'drainase'], 21, 'stable')
    add('D: fire', d!, 12, ['kebakaran'], 0, 'growing')
    // Background: reports spread over mainland Jakarta in both windows.
    const cats = ['jalan_rusak', 'sampah', 'banjir', 'kemacetan', 'listrik_padam', 'lainnya']
    for (let i = 0; i < 800; i++) {
      gen.push({ id: uuid(), category: cats[i % cats.length]!, lat: -6.37 + rand() * 0.27, lon: 106.69 + rand() * 0.28, hoursAgo: rand() * 47.9 })
    }
    generated = gen
    await insertGenerated(t.db.db, gen, now)
  }, 300_000)
  afterAll(() => t?.close())

  const metres = (a: { lat: number; lon: number }, b: { lat: number; lon: number }) =>
    Math.hypot((a.lat - b.lat) * 110_574, (a.lon - b.lon) * 110_000)

  it('finds exactly the planted clusters, with centre, outline, count, categories, regions and trend', async () => {
    const set = await computeHotspots(t.db.db, standardWindow('24h', now), { byCategory: true })
    expect(set.all).toHaveLength(truths.length)
    for (const truth of truths) {
      const h = set.all.find((f) => metres({ lon: f.properties.centre[0], lat: f.properties.centre[1] }, truth.centre) < 100)
      expect(h, truth.name).toBeDefined()
      const p = h!.properties
      expect(p.count, truth.name).toBeGreaterThanOrEqual(truth.count)
      expect(p.count, truth.name).toBeLessThanOrEqual(truth.count + 2)
      expect(p.categories[0]!.code, truth.name).toBe(truth.mainCategory)
      expect(p.regions.map((r) => r.code), truth.name).toContain(truth.code)
      expect(p.trend.direction, truth.name).toBe(truth.direction)
      const inside = await sql<{ ok: boolean }>`
        SELECT ST_Contains(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(h!.geometry)}), 4326), ST_SetSRID(ST_MakePoint(${truth.centre.lon}, ${truth.centre.lat}), 4326)) AS ok`.execute(t.db.db)
      expect(inside.rows[0]!.ok, truth.name).toBe(true)
    }
    // Per category: the flood cluster is the one banjir hotspot; the road damage one is found among jalan_rusak.
    expect(set.by_category.banjir).toHaveLength(1)
    expect(set.by_category.banjir![0]!.properties.regions.map((r) => r.code)).toContain(truths[1]!.code)
    expect(set.by_category.kebakaran).toHaveLength(1)
    expect(set.by_category.jalan_rusak?.[0]?.properties.count).toBeGreaterThanOrEqual(30)
  })

  it('gives the same hotspots for the same reports, whatever order they were stored in', async () => {
    const w = standardWindow('24h', now)
    const strip = (s: Awaited<ReturnType<typeof computeHotspots>>) => JSON.stringify({ all: s.all, by: s.by_category })
    const first = strip(await computeHotspots(t.db.db, w, { byCategory: true }))
    expect(strip(await computeHotspots(t.db.db, w, { byCategory: true }))).toBe(first)
    // Store them again in reverse order (other physical order, same reports).
    await sql`DELETE FROM reports`.execute(t.db.db)
    await insertGenerated(t.db.db, [...generated].reverse(), now)
    expect(strip(await computeHotspots(t.db.db, w, { byCategory: true }))).toBe(first)
  }, 120_000)

  it('serves the stored hotspots as GeoJSON, per category, and for a chosen range', async () => {
    const res = await t.json('GET', '/api/hotspots?window=24h')
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ type: 'FeatureCollection', window: { key: '24h' }, category: null })
    expect(res.body.features).toHaveLength(truths.length)
    expect(res.body.features[0].geometry.type).toBe('Polygon')
    const floods = await t.json('GET', '/api/hotspots?window=24h&category=banjir')
    expect(floods.body.features).toHaveLength(1)
    expect(floods.body.features[0].properties.category).toBe('banjir')

    const from = new Date(now.getTime() - 24 * 3_600_000).toISOString()
    const range = await t.json('GET', `/api/hotspots?window=${from},${now.toISOString()}&category=jalan_rusak`)
    expect(range.status).toBe(200)
    expect(range.body.window.key).toBe('range')
    expect(range.body.features.length).toBeGreaterThanOrEqual(1)
    expect(range.body.features.every((f: { properties: { category: string } }) => f.properties.category === 'jalan_rusak')).toBe(true)

    for (const q of ['window=3d', 'window=2024-01-02T00:00:00Z,2024-01-01T00:00:00Z', 'from=2024-01-01T00:00:00Z', 'category=ufo']) {
      const bad = await t.json('GET', `/api/hotspots?${q}`)
      expect(bad.status, q).toBe(422)
    }
  })

  it('recomputes on schedule and announces a change over the event stream, and only a change', async () => {
    const scheduler = new HotspotScheduler(t.deps, 0)
    const updates = async () => (await t.db.db.selectFrom('events').select('data').where('type', '=', 'hotspots.updated').execute()).map((e) => e.data as { window: string; count: number })
    await scheduler.runOnce()
    const before = (await updates()).filter((u) => u.window === '24h').length
    await scheduler.runOnce()
    expect((await updates()).filter((u) => u.window === '24h')).toHaveLength(before)

    // A new cluster of 15 reports appears in East Jakarta's last kelurahan.
    const e = (await sql<{ lat: number; lon: number }>`
      SELECT ST_Y(label_point) AS lat, ST_X(label_point) AS lon FROM regions WHERE code LIKE '31.75.%' AND level = 'kelurahan' ORDER BY code DESC LIMIT 1`.execute(t.db.db)).rows[0]!
    await insertGenerated(t.db.db, around(e, 15, 50, ['sampah'], 0, 2), new Date())
    expect(await scheduler.runOnce()).toContain('24h')
    const last = (await updates()).filter((u) => u.window === '24h').at(-1)!
    expect(last.count).toBe(truths.length + 1)
    const served = await t.json('GET', '/api/hotspots?window=24h')
    expect(served.body.features).toHaveLength(truths.length + 1)
    await scheduler.stop()
  }, 120_000)

  it('ranks kelurahan by load, per km² and change', async () => {
    const res = await t.json('GET', '/api/regions/ranking?window=24h&limit=10')
    expect(res.status).toBe(200)
    const top = res.body.regions[0]
    expect(top).toMatchObject({ rank: 1, code: truths[0]!.code })
    expect(top.count).toBeGreaterThanOrEqual(40)
    expect(top.change).toBe(top.count - top.previous)
    expect(top.per_km2).toBeCloseTo(top.count / top.area_km2, 0)
    const byChange = await t.json('GET', '/api/regions/ranking?window=24h&sort=change&limit=300')
    const changes = byChange.body.regions.map((r: { change: number }) => r.change)
    expect(changes).toEqual([...changes].sort((x: number, y: number) => y - x))
    // The flood kelurahan lost most of its reports: last by change.
    expect(byChange.body.regions.at(-1).code).toBe(truths[1]!.code)
    const kec = await t.json('GET', '/api/regions/ranking?window=24h&level=kecamatan&limit=3')
    expect(kec.body.regions[0].code).toBe(truths[0]!.code.split('.').slice(0, 3).join('.'))
  })

  it('counts reports per H3 hexagon at a resolution from the zoom, exactly as counting every report would', async () => {
    const bbox = [106.69, -6.37, 106.97, -6.1] as const
    const res = await t.json('GET', `/api/density?zoom=12&window=24h&bbox=${bbox.join(',')}`)
    expect(res.status).toBe(200)
    expect(res.body.res).toBe(resolutionForZoom(12))
    const rows = await sql<{ lat: number; lon: number }>`
      SELECT ST_Y(location) AS lat, ST_X(location) AS lon FROM reports
      WHERE location && ST_MakeEnvelope(${bbox[0]}, ${bbox[1]}, ${bbox[2]}, ${bbox[3]}, 4326)
        AND reported_at >= ${new Date(Date.now() - 24 * 3_600_000).toISOString()}::timestamptz`.execute(t.db.db)
    expect(res.body.total).toBe(rows.rows.length)
    const exact = new Map<string, number>()
    for (const r of rows.rows) {
      const h = latLngToCell(r.lat, r.lon, res.body.res)
      exact.set(h, (exact.get(h) ?? 0) + 1)
    }
    expect(new Map(res.body.cells)).toEqual(exact)
    const densest = (res.body.cells as [string, number][]).reduce((m, c) => (c[1] > m[1] ? c : m))
    expect(densest[0]).toBe(latLngToCell(truths[0]!.centre.lat, truths[0]!.centre.lon, res.body.res))
    expect((await t.json('GET', '/api/density?zoom=12')).status).toBe(422)
    expect((await t.json('GET', `/api/density?res=11&bbox=90,-11,141,6`)).status).toBe(422)
  })
})
