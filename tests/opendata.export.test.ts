import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

let t: TestApp
const roles: Record<string, Principal> = { op: { role: 'operator' }, lead: { role: 'leadership' }, agency: { role: 'agency_staff', agencyCode: 'pu' }, dlh: { role: 'agency_staff', agencyCode: 'dlh' } }

async function get(path: string, role?: string) {
  const res = await t.app.request(path, { headers: role ? { 'x-test-role': role } : {} })
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() }
}
const rowsOf = (text: string) => parse(text, { columns: true, bom: true }) as Record<string, string>[]

beforeAll(async () => {
  t = await createTestApp({ authenticate: async (h) => roles[h.get('x-test-role') ?? ''] ?? null })
  await seedTwoKelurahan(t.db.db)
  const post = (body: object) => t.json('POST', '/api/reports', body)
  await post(reportInput({ category: 'banjir', location: { lat: -6.2, lon: 106.845 }, reporter: { name: 'Rahasia Sekali', phone: '0811111111', private: true }, description: 'Banjir, "parah"' }))
  await post(reportInput({ category: 'sampah', location: { lat: -6.2, lon: 106.855 }, reporter: { name: 'Terbuka Saja', phone: '0822222222' } }))
  await post(reportInput({ category: 'banjir', channel: 'whatsapp', location: { lat: -6.195, lon: 106.855 } }))
})
afterAll(() => t.close())

describe('GET /api/export/reports', () => {
  it('exports GeoJSON points with filters, without reporters for the public', async () => {
    const r = await get('/api/export/reports.geojson?category=banjir')
    expect(r.status).toBe(200)
    expect(r.type).toContain('application/geo+json')
    const fc = JSON.parse(r.text)
    expect(fc.features).toHaveLength(2)
    expect(fc.features[0].geometry.type).toBe('Point')
    expect(r.text).not.toMatch(/Rahasia Sekali|0811111111|Terbuka Saja/)
    const region = JSON.parse((await get('/api/export/reports.geojson?region=31.71.01.1001')).text)
    expect(region.features.map((f: { properties: { category: string } }) => f.properties.category)).toEqual(['banjir'])
    const wa = JSON.parse((await get('/api/export/reports.geojson?channel=whatsapp')).text)
    expect(wa.features).toHaveLength(1)
  })

  it('exports CSV that a spreadsheet reads, with reporter columns only for roles that may see them', async () => {
    const pub = await get('/api/export/reports.csv')
    expect(pub.type).toContain('text/csv')
    const rows = rowsOf(pub.text)
    expect(rows).toHaveLength(3)
    expect(Object.keys(rows[0]!)).not.toContain('reporter_name')
    expect(rows.find((r) => r.category === 'banjir' && r.channel === 'app')!.description).toBe('Banjir, "parah"')

    // Leadership: no reporters at all; the waste agency: its open reporter only; operator: both.
    expect(pub.text + (await get('/api/export/reports.csv', 'lead')).text).not.toMatch(/Rahasia|Terbuka/)
    const agency = await get('/api/export/reports.csv', 'dlh')
    expect(agency.text).toContain('Terbuka Saja')
    expect(agency.text).not.toMatch(/Rahasia Sekali|0811111111/)
    // Another agency exports only its own reports (issue 17: exports follow the API's scope).
    expect((await get('/api/export/reports.csv', 'agency')).text).not.toMatch(/Terbuka Saja|0822222222/)
    const op = await get('/api/export/reports.csv', 'op')
    expect(op.text).toContain('Rahasia Sekali')
  })

  it('refuses bad filters', async () => {
    expect((await get('/api/export/reports.csv?from=yesterday')).status).toBe(422)
    expect((await get('/api/export/reports.csv?channel=pigeon')).status).toBe(422)
  })
})

describe('GET /api/export/incidents', () => {
  it('exports incidents as GeoJSON and CSV with filters', async () => {
    await t.db.db
      .insertInto('incidents')
      .values({ category_code: 'longsor', location: 'SRID=4326;POINT(106.845 -6.2)', region_code: '31.71.01.1001', first_reported_at: new Date(), last_reported_at: new Date() })
      .execute()
    const geo = JSON.parse((await get('/api/export/incidents.geojson?category=banjir')).text)
    expect(geo.type).toBe('FeatureCollection')
    for (const f of geo.features) expect(f.properties.category).toBe('banjir')
    const longsor = JSON.parse((await get('/api/export/incidents.geojson?category=longsor&region=31.71.01')).text)
    expect(longsor.features.map((f: { properties: { region: { code: string } } }) => f.properties.region.code)).toEqual(['31.71.01.1001'])
    const csv = rowsOf((await get('/api/export/incidents.csv')).text)
    const total = Number((await t.db.db.selectFrom('incidents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    expect(csv).toHaveLength(total)
    expect(Object.keys(csv[0]!)).toEqual(expect.arrayContaining(['id', 'category', 'status', 'lat', 'lon', 'report_count']))
    expect(JSON.stringify(csv)).not.toMatch(/Rahasia|Terbuka/)
  })

  it('keeps an agency to its own incidents, as GET /api/incidents does', async () => {
    const mine = await t.db.db.selectFrom('incidents').select('id').where('agency_code', '=', 'dlh').execute() // sampah → DLH
    expect(mine.length).toBeGreaterThan(0)
    const geo = JSON.parse((await get('/api/export/incidents.geojson', 'dlh')).text)
    expect(geo.features.map((f: { properties: { id: string } }) => f.properties.id).sort()).toEqual(mine.map((m) => m.id).sort())
    const api = JSON.parse((await get('/api/incidents', 'dlh')).text)
    expect(api.features.length).toBe(geo.features.length)
  })
})
