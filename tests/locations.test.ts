import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './helpers/app.js'
import {
  across,
  CEMPAKA_PUTIH_BARAT,
  CITALANG_PURWAKARTA,
  CITALANG_TEGALWARU,
  describePoint,
  gapBeside,
  importTestBoundaries,
  inside,
  overlap,
  PASEBAN,
  RAWASARI,
  RAWASARI_PLERED,
  UTAN_KAYU_UTARA,
  type Pt,
} from './helpers/boundaries.js'
import { reportInput } from './helpers/factories.js'
import { HAVE_SHARED } from './helpers/shared-data.js'

let t: TestApp

async function intake(at: Pt, claimed_region?: string, accuracy_m?: number) {
  const res = await t.json('POST', '/api/reports', reportInput({ location: { ...at, ...(accuracy_m !== undefined ? { accuracy_m } : {}) }, ...(claimed_region !== undefined ? { claimed_region } : {}) }))
  expect(res.status).toBe(201)
  return res.body
}

describe.skipIf(!HAVE_SHARED)('location check at intake, on real Jakarta and Purwakarta boundaries', () => {
  let inRawasari: Pt

  beforeAll(async () => {
    t = await createTestApp()
    await importTestBoundaries(t.db.db)
    inRawasari = await inside(t.db.db, RAWASARI)
  })
  afterAll(() => t?.close())

  it('matches a point well inside the claimed kelurahan, however the name is written', async () => {
    for (const claim of ['Rawasari', 'Kel. Rawasari', 'KELURAHAN RAWASARI', 'kel.rawasari', 'Rawa Sari', 'Rawasari, Cempaka Putih', RAWASARI, '3171051003']) {
      const body = await intake(inRawasari, claim)
      expect(body.location_check, claim).toEqual({
        status: 'match',
        distance_m: 0,
        detected_region: { code: RAWASARI, name: 'Rawasari' },
        claimed_region: { code: RAWASARI, name: 'Rawasari' },
        dispute_id: null,
      })
      expect(body.region).toEqual({ code: RAWASARI, name: 'Rawasari' })
    }
  })

  it('takes a repeated name to the one the kecamatan names, else to the one nearest the point', async () => {
    // Two Rawasari: a kelurahan in Jakarta and a desa in Purwakarta, 75 km apart.
    expect((await intake(inRawasari, 'Rawasari')).location_check.claimed_region.code).toBe(RAWASARI)
    const plered = await intake(inRawasari, 'Rawasari, Plered')
    expect(plered.location_check.status).toBe('mismatch')
    expect(plered.location_check.claimed_region.code).toBe(RAWASARI_PLERED)
    // Two Citalang in Purwakarta: a point in the Tegalwaru one.
    const inTegalwaru = await inside(t.db.db, CITALANG_TEGALWARU)
    expect((await intake(inTegalwaru, 'Desa Citalang')).location_check).toMatchObject({ status: 'match', claimed_region: { code: CITALANG_TEGALWARU } })
    expect((await intake(inTegalwaru, 'Ds. Citalang, Kec. Tegalwaru')).location_check.status).toBe('match')
    const other = await intake(inTegalwaru, 'Citalang Kec. Purwakarta')
    expect(other.location_check).toMatchObject({ status: 'mismatch', claimed_region: { code: CITALANG_PURWAKARTA }, detected_region: { code: CITALANG_TEGALWARU } })
  })

  it('understands a kecamatan claim even though only kelurahan boundaries are imported', async () => {
    const body = await intake(inRawasari, 'Kec. Cempaka Putih')
    expect(body.location_check).toMatchObject({
      status: 'match',
      claimed_region: { code: '31.71.05', name: 'Cempaka Putih' },
      detected_region: { code: RAWASARI },
    })
    const senen = await intake(inRawasari, 'Kecamatan Senen')
    expect(senen.location_check).toMatchObject({ status: 'mismatch', claimed_region: { code: '31.71.04', name: 'Senen' } })
    // It stays with a real region of the claimed kecamatan until its dispute is settled.
    expect(senen.region.code.startsWith('31.71.04.')).toBe(true)
  })

  it('finds a point a few metres across the boundary near it, and one 200 m across a mismatch', async () => {
    const near = await across(t.db.db, RAWASARI, CEMPAKA_PUTIH_BARAT, 8, 15)
    const far = await across(t.db.db, RAWASARI, CEMPAKA_PUTIH_BARAT, 190, 220)
    expect((await describePoint(t.db.db, near, RAWASARI)).containedBy).not.toContain(RAWASARI)

    const a = await intake(near, 'Kel. Rawasari')
    expect(a.location_check.status).toBe('near_boundary')
    expect(a.location_check.distance_m).toBeGreaterThanOrEqual(8)
    expect(a.location_check.distance_m).toBeLessThanOrEqual(15)
    expect(a.location_check.detected_region.code).toBe(CEMPAKA_PUTIH_BARAT)
    expect(a.region.code).toBe(RAWASARI) // the benefit of the doubt goes to the claim
    expect(a.location_check.dispute_id).toBeNull()

    const b = await intake(far, 'Kel. Rawasari')
    expect(b.location_check).toMatchObject({ status: 'mismatch', detected_region: { code: CEMPAKA_PUTIH_BARAT, name: 'Cempaka Putih Barat' }, claimed_region: { code: RAWASARI } })
    expect(b.location_check.distance_m).toBeGreaterThanOrEqual(190)
    expect(b.location_check.dispute_id).toMatch(/^[0-9a-f-]{36}$/)
    // Until the dispute is settled the report stays with the claimed kelurahan.
    expect(b.region.code).toBe(RAWASARI)
  })

  it('widens the tolerance to the reported GPS accuracy', async () => {
    const p = await across(t.db.db, RAWASARI, CEMPAKA_PUTIH_BARAT, 60, 80)
    expect((await intake(p, 'Rawasari')).location_check.status).toBe('mismatch')
    expect((await intake(p, 'Rawasari', 100)).location_check.status).toBe('near_boundary')
    expect((await intake(p, 'Rawasari', 10)).location_check.status).toBe('mismatch')
  })

  it('does not call a point in a gap between boundaries a mismatch, nor outside', async () => {
    const gap = await gapBeside(t.db.db, RAWASARI)
    const d = await describePoint(t.db.db, gap, RAWASARI)
    expect(d.containedBy).toEqual([]) // in no region at all
    expect(d.distance_m).toBeLessThan(10)
    const body = await intake(gap, 'Rawasari')
    expect(body.location_check.status).toBe('near_boundary')
    expect(body.region.code).toBe(RAWASARI)
    // Unclaimed, the gap's report still lands in the region next to it.
    const unclaimed = await intake(gap)
    expect(unclaimed.location_check.status).toBe('unclaimed')
    expect(unclaimed.location_check.detected_region).not.toBeNull()
    expect(unclaimed.region).not.toBeNull()
  })

  it('matches a point in a sliver where two kelurahan overlap, whichever of the two is claimed', async () => {
    const sliver = await overlap(t.db.db, RAWASARI, UTAN_KAYU_UTARA)
    expect((await describePoint(t.db.db, sliver, RAWASARI)).containedBy).toEqual(expect.arrayContaining([RAWASARI, UTAN_KAYU_UTARA]))
    const a = await intake(sliver, 'Rawasari')
    expect(a.location_check).toMatchObject({ status: 'match', detected_region: { code: RAWASARI } })
    const b = await intake(sliver, 'Utan Kayu Utara')
    expect(b.location_check).toMatchObject({ status: 'match', detected_region: { code: UTAN_KAYU_UTARA } })
    expect(b.region.code).toBe(UTAN_KAYU_UTARA)
  })

  it('tells apart no claim, an unknown claim and a point outside every region', async () => {
    const none = await intake(inRawasari)
    expect(none.location_check).toEqual({ status: 'unclaimed', distance_m: null, claimed_region: null, detected_region: { code: RAWASARI, name: 'Rawasari' }, dispute_id: null })
    const unknown = await intake(inRawasari, 'Kelurahan Atlantis')
    expect(unknown.location_check).toMatchObject({ status: 'unknown_claim', claimed_region: null, detected_region: { code: RAWASARI } })
    expect(unknown.region.code).toBe(RAWASARI)
    const sea = await intake({ lat: -5.9, lon: 106.9 }, 'Rawasari')
    expect(sea.location_check.status).toBe('outside')
    expect(sea.location_check.detected_region).toBeNull()
    expect(sea.location_check.distance_m).toBeGreaterThan(10_000)
  })

  it('finds the kelurahan in a longer address', async () => {
    const body = await intake(inRawasari, 'Jl. Percetakan Negara No. 5, Rawasari, Cempaka Putih, Jakarta Pusat')
    expect(body.location_check).toMatchObject({ status: 'match', claimed_region: { code: RAWASARI } })
  })

  it('stores the outcome with the report: GET /api/reports/:id and the report.created event show it', async () => {
    const p = await across(t.db.db, RAWASARI, PASEBAN, 150, 250)
    const body = await intake(p, 'Rawasari')
    const got = await t.json('GET', `/api/reports/${body.id}`)
    expect(got.body.location_check).toEqual({
      status: 'mismatch',
      distance_m: body.location_check.distance_m,
      claimed_region: { code: RAWASARI, name: 'Rawasari' },
      detected_region: { code: PASEBAN, name: 'Paseban' },
    })
    const ev = await t.db.db.selectFrom('events').select(['type', 'data']).where('type', '=', 'report.created').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ id: body.id, region: { code: RAWASARI }, location_check: { status: 'mismatch', dispute_id: body.location_check.dispute_id } })
  })

  it('answers a retried submission with the stored check and opens no second dispute', async () => {
    const p = await across(t.db.db, RAWASARI, PASEBAN, 300, 400)
    const input = reportInput({ location: p, claimed_region: 'Rawasari', external_id: 'retry-loc-1', channel: 'whatsapp' })
    const first = await t.json('POST', '/api/reports', input)
    const again = await t.json('POST', '/api/reports', input)
    expect(again.status).toBe(200)
    expect(again.body.location_check).toMatchObject({ status: 'mismatch', claimed_region: { code: RAWASARI } })
    const n = await t.db.db.selectFrom('location_disputes').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', first.body.id).executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(1)
  })
})
