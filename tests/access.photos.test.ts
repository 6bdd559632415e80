import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * Photos added to a report after intake: only staff in scope or the holder of the report's
 * capability token (given once in the intake answer, kept only as a hash). Photos whose EXIF
 * would send the image libraries round in circles are refused before they parse it.
 */
let t: TestApp
const as = (p: Principal) => ({ 'x-test-principal': JSON.stringify(p) })

beforeAll(async () => {
  t = await createTestApp({
    authenticate: async (h) => {
      const raw = h.get('x-test-principal')
      return raw ? (JSON.parse(raw) as Principal) : null
    },
  })
  usePhotoStore(t.deps, new MemoryPhotoStore())
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

const jpeg = (color: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toBuffer()
let colors = 0
const nextColor = () => `#${(0x102030 + ++colors * 0x010203).toString(16).slice(-6)}`

function form(file: Buffer, fields: Record<string, string> = {}) {
  const f = new FormData()
  f.append('photo', new File([new Uint8Array(file)], 'foto.jpg', { type: 'image/jpeg' }))
  for (const [k, v] of Object.entries(fields)) f.append(k, v)
  return f
}
async function add(reportId: string, headers: Record<string, string> = {}, fields: Record<string, string> = {}, file?: Buffer) {
  const res = await t.app.request(`/api/reports/${reportId}/photos`, { method: 'POST', body: form(file ?? (await jpeg(nextColor())), fields), headers })
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; photos?: unknown[] } }
}
const photoCount = async (reportId: string) =>
  Number((await t.db.db.selectFrom('photos').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow()).n)

async function intake(region: typeof ALFA | typeof BETA = ALFA, key?: string, body = reportInput({ location: spotIn(region), ...(region === BETA ? { category: 'sampah' } : {}) })) {
  return t.json('POST', '/api/reports', body, key ? { 'idempotency-key': key } : {})
}

describe('POST /api/reports/:id/photos', () => {
  it('refuses an anonymous upload without the report\'s token (401) or with another report\'s (403), storing nothing', async () => {
    const a = await intake()
    const b = await intake()
    expect(a.status).toBe(201)
    expect(a.body.photo_token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(b.body.photo_token).not.toBe(a.body.photo_token)
    const none = await add(a.body.id)
    expect(none.status).toBe(401)
    expect(none.body.error!.code).toBe('photo_token_required')
    expect((await add(a.body.id, { 'x-photo-token': b.body.photo_token })).status).toBe(403)
    expect((await add(a.body.id, { 'x-photo-token': 'x'.repeat(5000) })).status).toBe(403)
    expect((await add(a.body.id, as({ role: 'leadership' }))).status).toBe(401)
    expect((await add(a.body.id, as({ role: 'region_head', regionCodes: [ALFA] }))).status).toBe(401)
    expect(await photoCount(a.body.id)).toBe(0)
  })

  it('takes photos from the token\'s holder (header or form field) and from staff within their scope', async () => {
    const a = await intake(ALFA) // road damage: PUPR's
    expect((await add(a.body.id, { 'x-photo-token': a.body.photo_token })).status).toBe(201)
    expect((await add(a.body.id, {}, { photo_token: a.body.photo_token })).status).toBe(201)
    expect((await add(a.body.id, as({ role: 'operator' }))).status).toBe(201)
    expect((await add(a.body.id, as({ role: 'field_officer', agencyCode: 'pupr' }))).status).toBe(201)
    // Another agency's staff: not their report.
    expect((await add(a.body.id, as({ role: 'agency_staff', agencyCode: 'dlh' }))).status).toBe(401)
    expect(await photoCount(a.body.id)).toBe(4)
  })

  it('gives the token once: not on a retry, not in the report, not in the event log, and stores only its hash', async () => {
    const key = `retry-${Math.random()}`
    // A true retry: the same body under the same key (another body under it is 409, security.input).
    const body = reportInput({ location: spotIn(ALFA) })
    const first = await intake(ALFA, key, body)
    const again = await intake(ALFA, key, body)
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    expect(again.body.photo_token).toBeUndefined()
    const token = first.body.photo_token as string
    for (const h of [{}, as({ role: 'admin' })]) {
      expect(JSON.stringify((await t.json('GET', `/api/reports/${first.body.id}`, undefined, h)).body)).not.toContain(token)
    }
    const events = await t.db.db.selectFrom('events').select('data').execute()
    expect(JSON.stringify(events)).not.toContain(token)
    const stored = await t.db.db.selectFrom('report_photo_tokens').selectAll().where('report_id', '=', first.body.id).executeTakeFirstOrThrow()
    expect(stored.token_sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(stored)).not.toContain(token)
  })

  it('gives a token with a multipart intake too', async () => {
    const f = form(await jpeg(nextColor()), { report: JSON.stringify(reportInput({ location: spotIn(ALFA) })) })
    const res = await t.app.request('/api/reports/with-photos', { method: 'POST', body: f })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { id: string; photo_token: string }
    expect(body.photo_token).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect((await add(body.id, { 'x-photo-token': body.photo_token })).status).toBe(201)
  })
})

/** A JPEG with an APP1 EXIF block whose IFD0 points at itself as its Exif, GPS and Interop IFDs and as the next IFD. */
async function loopingExifJpeg(entries: number, padTo = 0) {
  const tiff = Buffer.alloc(8 + 2 + entries * 12 + 4)
  tiff.write('II', 0, 'latin1')
  tiff.writeUInt16LE(42, 2)
  tiff.writeUInt32LE(8, 4)
  tiff.writeUInt16LE(entries, 8)
  for (let i = 0; i < entries; i++) {
    const at = 10 + i * 12
    tiff.writeUInt16LE([0x8769, 0x8825, 0xa005][i % 3]!, at)
    tiff.writeUInt16LE(4, at + 2) // LONG
    tiff.writeUInt32LE(1, at + 4)
    tiff.writeUInt32LE(8, at + 8) // IFD0 itself
  }
  tiff.writeUInt32LE(8, 10 + entries * 12)
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  const app1 = Buffer.alloc(4)
  app1.writeUInt16BE(0xffe1, 0)
  app1.writeUInt16BE(body.length + 2, 2)
  const base = await jpeg(nextColor())
  // A comment segment fills the file up to the size asked for.
  const fill = Math.max(0, Math.min(65_000, padTo - base.length - app1.length - body.length - 4))
  const com = fill ? Buffer.concat([Buffer.from([0xff, 0xfe, (fill + 2) >> 8, (fill + 2) & 0xff]), Buffer.alloc(fill, 0x20)]) : Buffer.alloc(0)
  return Buffer.concat([base.subarray(0, 2), app1, body, com, base.subarray(2)])
}

describe('GET /api/incidents/:id/photos', () => {
  it("lists a ticket's photos only to people whose scope holds the ticket, not to wall screens or other agencies", async () => {
    const a = await intake(ALFA) // road damage in Alfa: PUPR's
    expect(a.status).toBe(201)
    const incident = a.body.incident_id as string
    const up = await t.app.request(`/api/incidents/${incident}/photos`, { method: 'POST', body: form(await jpeg(nextColor())), headers: as({ role: 'operator' }) })
    expect(up.status).toBe(201)
    const list = (p?: Principal) => t.app.request(`/api/incidents/${incident}/photos`, { headers: p ? as(p) : {} })
    for (const p of [{ role: 'operator' }, { role: 'agency_staff', agencyCode: 'pupr' }, { role: 'region_head', regionCodes: [ALFA] }] as Principal[]) {
      const res = await list(p)
      expect(res.status, p.role).toBe(200)
      expect(((await res.json()) as { photos: unknown[] }).photos).toHaveLength(1)
    }
    for (const p of [undefined, { role: 'display' }, { role: 'agency_staff', agencyCode: 'dlh' }, { role: 'region_head', regionCodes: [BETA] }] as (Principal | undefined)[]) {
      expect((await list(p)).status, p?.role ?? 'anonymous').toBe(404)
    }
  })
})

describe('photos with hostile EXIF', () => {
  it('refuses a 64 KB JPEG whose EXIF IFDs loop with 422, at once, storing nothing', async () => {
    const a = await intake()
    const hostile = await loopingExifJpeg(5000)
    expect(hostile.length).toBeGreaterThan(60_000)
    expect(hostile.length).toBeLessThanOrEqual(64 * 1024)
    const r = await add(a.body.id, { 'x-photo-token': a.body.photo_token }, {}, hostile)
    expect(r.status).toBe(422)
    expect(r.body.error!.code).toBe('photo_metadata_refused')
    // A small loop, in a file padded to 64 KB: refused for the loop itself.
    const small = await loopingExifJpeg(3, 64 * 1024)
    const s = await add(a.body.id, { 'x-photo-token': a.body.photo_token }, {}, small)
    expect(s.status).toBe(422)
    expect(s.body.error!.message).toMatch(/loop/)
    // Through the intake with photos as well: no report stored either.
    const before = Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const f = new FormData()
    f.append('report', JSON.stringify(reportInput({ location: spotIn(ALFA) })))
    f.append('photo', new File([new Uint8Array(hostile)], 'h.jpg', { type: 'image/jpeg' }))
    expect((await t.app.request('/api/reports/with-photos', { method: 'POST', body: f })).status).toBe(422)
    const after = Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    expect(after).toBe(before)
    expect(await photoCount(a.body.id)).toBe(0)
  }, 20_000)

  it('still takes a camera\'s ordinary EXIF with its GPS position', async () => {
    const a = await intake()
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: nextColor() } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'TestCam', Model: 'X1' },
        IFD2: { DateTimeOriginal: '2026:01:02 03:04:05' },
        IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 51/1 18/1' },
      })
      .toBuffer()
    const r = await add(a.body.id, { 'x-photo-token': a.body.photo_token }, {}, photo)
    expect(r.status).toBe(201)
    expect((r.body.photos![0] as { exif_location: { lat: number } }).exif_location.lat).toBeCloseTo(-6.2, 6)
  })
})
