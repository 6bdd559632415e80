import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_KABUPATEN, seedDemoArea } from '../server/demo/demo.area.js'
import { createTestApp, type TestApp } from './helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await seedDemoArea(t.db.db)
})
afterAll(() => t.close())

interface F {
  properties: { kind: string; class: string; name: string; is_demo: boolean }
  geometry: { type: string; coordinates: unknown }
}

describe('roads, rivers and landmarks of the demo regency', () => {
  it('are generated with the demo area and served without sign-in, named, as GeoJSON', async () => {
    const r = await t.json('GET', '/api/map-features')
    expect(r.status).toBe(200)
    const fs = r.body.features as F[]
    const of = (kind: string) => fs.filter((f) => f.properties.kind === kind)
    expect(of('road').length).toBeGreaterThanOrEqual(4)
    expect(of('road').filter((f) => f.properties.class === 'primary').length).toBe(2)
    expect(of('river').length).toBe(2)
    expect(of('landmark').length).toBeGreaterThanOrEqual(10)
    for (const f of fs) {
      expect(f.properties.name.length).toBeGreaterThan(3)
      expect(f.properties.is_demo).toBe(true)
      expect(f.geometry.type).toMatch(f.properties.kind === 'landmark' ? /^Point$/ : /LineString$/)
    }
    expect(new Set(of('landmark').map((f) => f.properties.name)).size).toBe(of('landmark').length)
  })

  it('lie within the regency, roads crossing it from edge to edge', async () => {
    const rows = await sql<{ kind: string; inside: boolean; len_km: number }>`
      SELECT f.kind, ST_CoveredBy(f.geom, ST_Buffer(k.geom, 0.00001)) AS inside, ST_Length(f.geom::geography) / 1000 AS len_km
      FROM map_features f, regions k WHERE k.code = ${DEMO_KABUPATEN}`.execute(t.db.db)
    for (const r of rows.rows) expect(r.inside).toBe(true)
    const longest = Math.max(...rows.rows.filter((r) => r.kind === 'road').map((r) => Number(r.len_km)))
    expect(longest).toBeGreaterThan(20)
  })

  it('are limited to a bounding box when asked, and refuse a bad one naming the field', async () => {
    const all = (await t.json('GET', '/api/map-features')).body.features.length
    const some = await t.json('GET', '/api/map-features?bbox=107.30,-6.70,107.40,-6.60')
    expect(some.status).toBe(200)
    expect(some.body.features.length).toBeLessThan(all)
    const bad = await t.json('GET', '/api/map-features?bbox=1,2,3')
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.body)).toMatch(/bbox/)
  })
})
