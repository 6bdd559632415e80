import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { importRegions } from '../server/regions/region.import.js'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { identityPattern } from '../server/tickets/ticket.view.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan, squareRegion } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * Identity leaks: exports keep to the caller's scope, a dispute shows its reporter only to those
 * whose scope holds the report, and staff notes lose a private reporter's phone however it is typed.
 */
let t: TestApp
const as = (p: Principal) => ({ 'x-test-principal': JSON.stringify(p) })
const CAMAT = as({ role: 'region_head', regionCodes: ['31.71.01'] })
const HEAD_BETA = as({ role: 'region_head', regionCodes: [BETA] })
const PUPR = as({ role: 'agency_staff', agencyCode: 'pupr' })
const DLH = as({ role: 'field_officer', agencyCode: 'dlh' })
const ADMIN = as({ role: 'admin' })
const OPERATOR = as({ role: 'operator' })
const GAMMA = '31.71.02.1001'

const ids: Record<string, string> = {}

async function file(key: string, over: Parameters<typeof reportInput>[0]) {
  const res = await t.json('POST', '/api/reports', reportInput(over))
  expect(res.status).toBe(201)
  ids[key] = res.body.id
  ids[`${key}Incident`] = res.body.incident_id
  return res.body
}

beforeAll(async () => {
  t = await createTestApp({
    authenticate: async (h) => {
      const raw = h.get('x-test-principal')
      return raw ? (JSON.parse(raw) as Principal) : null
    },
  })
  usePhotoStore(t.deps, new MemoryPhotoStore())
  await seedTwoKelurahan(t.db.db)
  // A kelurahan of another kecamatan, east of Beta.
  await importRegions(t.db.db, [squareRegion(GAMMA, 'Gamma', [106.86, -6.21, 106.87, -6.19])])
  await file('alfa', { category: 'jalan_rusak', location: spotIn(ALFA), reporter: { name: 'Budi Alfa', phone: '081100000001' } })
  await file('beta', { category: 'sampah', location: spotIn(BETA), reporter: { name: 'Citra Beta', phone: '081100000002' } })
  await file('betaPrivate', { category: 'sampah', location: spotIn(BETA), reporter: { name: 'Dewi Rahasia', phone: '081100000003', private: true } })
  await file('gamma', { category: 'jalan_rusak', location: { lat: -6.2, lon: 106.865 }, reporter: { name: 'Eko Gamma', phone: '081100000004' } })
}, 120_000)
afterAll(() => t.close())

const listIds = async (h: Record<string, string>) => ((await t.json('GET', '/api/reports', undefined, h)).body.reports as { id: string }[]).map((r) => r.id).sort()

describe('GET /api/export/reports.{geojson,csv} keep to the caller\'s scope', () => {
  it('a camat, a kelurahan head and agency staff export exactly what GET /api/reports shows them', async () => {
    const cases: [Record<string, string>, string[]][] = [
      [CAMAT, ['alfa', 'beta', 'betaPrivate']],
      [HEAD_BETA, ['beta', 'betaPrivate']],
      [PUPR, ['alfa', 'gamma']],
      [DLH, ['beta', 'betaPrivate']],
      [ADMIN, ['alfa', 'beta', 'betaPrivate', 'gamma']],
      [{}, ['alfa', 'beta', 'betaPrivate', 'gamma']],
    ]
    for (const [h, keys] of cases) {
      const want = keys.map((k) => ids[k]!).sort()
      expect(await listIds(h)).toEqual(want)
      const geo = await t.json('GET', '/api/export/reports.geojson', undefined, h)
      expect(geo.status).toBe(200)
      expect((geo.body.features as { id: string }[]).map((f) => f.id).sort()).toEqual(want)
      const csv = await t.app.request('/api/export/reports.csv', { headers: h })
      const lines = (await csv.text()).trim().split('\n').slice(1)
      expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(want)
    }
  })

  it('names and phones reach only roles allowed to see them, and never from outside the scope', async () => {
    for (const path of ['/api/export/reports.geojson', '/api/export/reports.csv']) {
      const camat = await (await t.app.request(path, { headers: CAMAT })).text()
      expect(camat).toContain('Budi Alfa')
      expect(camat).toContain('081100000002')
      expect(camat).not.toContain('Eko Gamma') // another kecamatan
      expect(camat).not.toContain('Dewi Rahasia') // private: admin and operator only
      expect(camat).not.toContain('081100000003')
      const pupr = await (await t.app.request(path, { headers: PUPR })).text()
      expect(pupr).toContain('Eko Gamma')
      for (const other of ['Citra Beta', '081100000002', 'Dewi Rahasia']) expect(pupr).not.toContain(other)
      const operator = await (await t.app.request(path, { headers: OPERATOR })).text()
      expect(operator).toContain('Dewi Rahasia')
      for (const h of [{}, as({ role: 'leadership' })]) {
        const text = await (await t.app.request(path, { headers: h })).text()
        for (const who of ['Budi Alfa', 'Citra Beta', 'Dewi Rahasia', 'Eko Gamma', '0811000000']) expect(text).not.toContain(who)
      }
    }
  })
})

const gpsJpeg = () =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 51/1 18/1' } })
    .toBuffer()

async function disputeOf(reporter: { name: string; phone: string; private?: boolean }) {
  // Pinned in Beta, said to be in Alfa: a dispute. Road damage: PUPR's.
  const body = await file(`dispute-${reporter.name}`, { category: 'jalan_rusak', location: { lat: -6.2, lon: 106.855 }, claimed_region: 'Alfa', reporter })
  expect(body.location_check.status).toBe('mismatch')
  const form = new FormData()
  form.append('photo', new File([new Uint8Array(await gpsJpeg())], 'bukti.jpg', { type: 'image/jpeg' }))
  expect((await t.app.request(`/api/reports/${body.id}/photos`, { method: 'POST', body: form, headers: OPERATOR })).status).toBe(201)
  return `/api/disputes/${body.location_check.dispute_id}`
}

describe('GET /api/disputes/:id', () => {
  it('shows the reporter only to roles whose scope holds the report', async () => {
    const path = await disputeOf({ name: 'Fajar Terbuka', phone: '081100000005' })
    const seen = async (h: Record<string, string>) => {
      const r = await t.app.request(path, { headers: h })
      expect(r.status).toBe(200)
      const text = await r.text()
      return text.includes('Fajar Terbuka') || text.includes('081100000005')
    }
    expect(await seen(PUPR)).toBe(true) // the agency of the ticket
    expect(await seen(DLH)).toBe(false) // another agency: sees the dispute, not who sent it
    expect(await seen(as({ role: 'agency_staff', agencyCode: 'dishub' }))).toBe(false)
    expect(await seen(HEAD_BETA)).toBe(true)
    expect(await seen(OPERATOR)).toBe(true)
    expect(await seen(as({ role: 'leadership' }))).toBe(false)
    expect(await seen({})).toBe(false)
  })

  it('gives a private report\'s camera position to admin and operator only', async () => {
    const path = await disputeOf({ name: 'Gita Rahasia', phone: '081100000006', private: true })
    for (const [h, sees] of [[ADMIN, true], [OPERATOR, true], [CAMAT, false], [HEAD_BETA, false], [PUPR, false], [DLH, false], [{}, false]] as const) {
      const r = await t.json('GET', path, undefined, h)
      expect(r.status).toBe(200)
      expect(r.body.evidence.photos).toHaveLength(1)
      expect(r.body.evidence.photos[0].exif_location !== null).toBe(sees)
      expect(JSON.stringify(r.body).includes('Gita Rahasia')).toBe(sees)
    }
  })
})

describe('staff notes', () => {
  it('lose a private reporter\'s phone in any Indonesian spelling, and the name in any case', async () => {
    const body = await file('noted', { category: 'jalan_rusak', location: spotIn(ALFA), reporter: { name: 'Hana  Wijaya', phone: '+628990000101', private: true } })
    const spellings = ['0899-0000-101', '08990000101', '+62 899 0000 101', '62-899-0000-101', '(0899) 0000.101', '+62(899)0000101', '8990000101']
    const note = `Pelapor HANA wijaya, hubungi ${spellings.join(' / ')}; hana WIJAYA minta kabar. Tiket 1234567 bukan nomor dia.`
    const moved = await t.json('POST', `/api/tickets/${body.incident_id}/transition`, { to: 'dispatched', note }, OPERATOR)
    expect(moved.status).toBe(200)
    const pupr = await t.json('GET', `/api/tickets/${body.incident_id}`, undefined, PUPR)
    expect(pupr.status).toBe(200)
    const shown = (pupr.body.history as { note: string | null }[]).map((h) => h.note ?? '').join('\n')
    expect(shown).toContain('Pelapor [dirahasiakan], hubungi')
    for (const s of spellings) expect(shown).not.toContain(s)
    expect(shown.replace(/[^0-9]/g, '')).toBe('1234567')
    expect(shown.toLowerCase()).not.toContain('hana')
    expect(shown.match(/\[dirahasiakan\]/g)).toHaveLength(2 + spellings.length)
    const op = await t.json('GET', `/api/tickets/${body.incident_id}`, undefined, OPERATOR)
    expect(JSON.stringify(op.body.history)).toContain('0899-0000-101')
  })

  it('do not lose other numbers that merely contain the phone\'s digits', () => {
    const re = new RegExp(identityPattern('081234567'), 'g')
    expect('a 0812-345-67 b'.replace(re, 'X')).toBe('a X b')
    expect('no 90812345678'.replace(re, 'X')).toBe('no 90812345678')
  })
})
