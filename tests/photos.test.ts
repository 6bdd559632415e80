import exifr from 'exifr'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

const MAX = 300_000
let t: TestApp
const store = new MemoryPhotoStore()

/** A small JPEG carrying a camera owner's name and a GPS position in Beta (-6.2, 106.855). */
async function gpsJpeg(color = '#3a6') {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: color } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Artist: 'Budi Santoso' },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 51/1 18/1' },
    })
    .toBuffer()
}
/** Random pixels compress badly: a real JPEG of about `side`² bytes. */
async function noiseJpeg(side: number) {
  const px = Buffer.alloc(side * side * 3)
  for (let i = 0; i < px.length; i++) px[i] = (i * 2654435761) >>> 24
  return sharp(px, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 100 }).toBuffer()
}
function form(files: [Buffer, string, string][], fields: Record<string, string> = {}) {
  const f = new FormData()
  for (const [bytes, name, type] of files) f.append('photo', new File([new Uint8Array(bytes)], name, { type }))
  for (const [k, v] of Object.entries(fields)) f.append(k, v)
  return f
}
/** Each report's photo_token from its intake answer: uploads to a report carry it, as the sender's form does. */
const tokens = new Map<string, string>()
async function upload(path: string, body: FormData, headers: Record<string, string> = {}) {
  const token = tokens.get(/^\/api\/reports\/([0-9a-f-]{36})\/photos$/.exec(path)?.[1] ?? '')
  const res = await t.app.request(path, { method: 'POST', body, headers: { ...(token ? { 'x-photo-token': token } : {}), ...headers } })
  return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}
const countPhotos = async () => Number((await t.db.db.selectFrom('photos').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
async function newReport() {
  const r = await t.json('POST', '/api/reports', reportInput())
  expect(r.status).toBe(201)
  tokens.set(r.body.id, r.body.photo_token)
  return r.body.id as string
}

beforeAll(async () => {
  const roles: Record<string, Principal> = { op: { role: 'operator' }, field: { role: 'field_officer', agencyCode: 'pupr' }, fire: { role: 'field_officer', agencyCode: 'damkar' } }
  t = await createTestApp({
    config: testConfig({ SIGAP_PHOTO_MAX_BYTES: String(MAX) }),
    authenticate: async (h) => roles[h.get('x-test-role') ?? ''] ?? null,
  })
  usePhotoStore(t.deps, store)
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('POST /api/reports/:id/photos', () => {
  it('stores a photo, serves copies without any metadata, makes a thumbnail and offers the EXIF position', async () => {
    const id = await newReport()
    const r = await upload(`/api/reports/${id}/photos`, form([[await gpsJpeg(), 'jalan.jpg', 'image/jpeg']]))
    expect(r.status).toBe(201)
    const [p] = r.body.photos
    expect(p).toMatchObject({ report_id: id, width: 640, height: 480, duplicate: false })
    expect(p.exif_location.lat).toBeCloseTo(-6.2, 6)
    expect(p.exif_location.lon).toBeCloseTo(106.855, 6)

    const served = await t.app.request(p.url)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/jpeg')
    const bytes = Buffer.from(await served.arrayBuffer())
    expect(await exifr.parse(bytes, { tiff: true, exif: true, gps: true })).toBeUndefined()
    expect(bytes.includes(Buffer.from('Budi'))).toBe(false)
    const thumb = await sharp(Buffer.from(await (await t.app.request(p.thumb_url)).arrayBuffer())).metadata()
    expect([thumb.width, thumb.height]).toEqual([320, 320])

    const list = await t.json('GET', `/api/reports/${id}/photos`)
    expect(list.body.photos.map((x: { id: string }) => x.id)).toEqual([p.id])
    expect(JSON.stringify(list.body)).not.toContain('exif')
    const ev = await t.db.db.selectFrom('events').selectAll().where('type', '=', 'photo.added').orderBy('seq', 'desc').executeTakeFirstOrThrow()
    expect(ev.data).toMatchObject({ id: p.id, report_id: id })
  })

  it('stores a retried upload once', async () => {
    const id = await newReport()
    const img = await gpsJpeg('#123456')
    const a = await upload(`/api/reports/${id}/photos`, form([[img, 'a.jpg', 'image/jpeg']]))
    const before = await countPhotos()
    const b = await upload(`/api/reports/${id}/photos`, form([[img, 'a.jpg', 'image/jpeg']]))
    expect(b.status).toBe(200)
    expect(b.body.photos[0]).toMatchObject({ id: a.body.photos[0].id, duplicate: true })
    expect(await countPhotos()).toBe(before)
  })

  it('accepts a photo far larger than the JSON body limit', async () => {
    const id = await newReport()
    const big = await noiseJpeg(300)
    expect(big.length).toBeGreaterThan(t.deps.config.SIGAP_MAX_BODY_BYTES)
    expect(big.length).toBeLessThan(MAX)
    const r = await upload(`/api/reports/${id}/photos`, form([[big, 'big.jpg', 'image/jpeg']]))
    expect(r.status).toBe(201)
  })

  const refused: [string, () => Promise<[Buffer, string, string]>, number, string][] = [
    ['a text file named .jpg', async () => [Buffer.from('this is not a photo at all, just text\n'.repeat(20)), 'photo.jpg', 'image/jpeg'], 415, 'unsupported_photo_type'],
    ['a GIF (an image, not an accepted type)', async () => [await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).gif().toBuffer(), 'x.jpg', 'image/jpeg'], 415, 'unsupported_photo_type'],
    ['a PDF named .png', async () => [Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'), 'scan.png', 'image/png'], 415, 'unsupported_photo_type'],
    ['a truncated JPEG', async () => [(await gpsJpeg()).subarray(0, 400), 'cut.jpg', 'image/jpeg'], 415, 'unreadable_photo'],
    ['an oversized photo', async () => [await noiseJpeg(700), 'huge.jpg', 'image/jpeg'], 413, 'photo_too_large'],
    ['an empty file', async () => [Buffer.alloc(0), 'empty.jpg', 'image/jpeg'], 422, 'validation_failed'],
  ]
  it.each(refused)('refuses %s and stores nothing', async (_what, make, status, code) => {
    const id = await newReport()
    const file = await make()
    if (code === 'photo_too_large') expect(file[0].length).toBeGreaterThan(MAX)
    const before = await countPhotos()
    const files = store.files.size
    // A good photo in the same upload is not stored either: one bad file rejects the upload.
    const r = await upload(`/api/reports/${id}/photos`, form([[await gpsJpeg('#999'), 'ok.jpg', 'image/jpeg'], file]))
    expect(r.status).toBe(status)
    expect(r.body.error.code).toBe(code)
    expect(await countPhotos()).toBe(before)
    expect(store.files.size).toBe(files)
  })

  it('answers 404 for an unknown report and 422 without a file', async () => {
    const none = await upload('/api/reports/00000000-0000-4000-8000-000000000000/photos', form([[await gpsJpeg(), 'a.jpg', 'image/jpeg']]), { 'x-test-role': 'op' })
    expect(none.status).toBe(404)
    const empty = await upload(`/api/reports/${await newReport()}/photos`, form([]))
    expect(empty.status).toBe(422)
  })
})

describe('POST /api/reports/with-photos', () => {
  it('takes the location from the photo when the report has none', async () => {
    const { location: _l, ...body } = reportInput({ channel: 'app', external_id: 'with-photo-1' })
    const r = await upload('/api/reports/with-photos', form([[await gpsJpeg('#abcdef'), 'p.jpg', 'image/jpeg']], { report: JSON.stringify(body) }))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ location_source: 'photo', region: { code: '31.71.01.1002' } })
    expect(r.body.photos).toHaveLength(1)
    const again = await upload('/api/reports/with-photos', form([[await gpsJpeg('#abcdef'), 'p.jpg', 'image/jpeg']], { report: JSON.stringify(body) }))
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(r.body.id)
    expect(again.body.photos[0]).toMatchObject({ id: r.body.photos[0].id, duplicate: true })
  })

  it('keeps a given location over the photo position', async () => {
    const body = reportInput({ location: { lat: -6.2, lon: 106.845 } })
    const r = await upload('/api/reports/with-photos', form([[await gpsJpeg('#fedcba'), 'p.jpg', 'image/jpeg']], { report: JSON.stringify(body) }))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ location_source: 'given', region: { code: '31.71.01.1001' } })
  })

  it('refuses a report with neither a location nor a photo position, storing nothing', async () => {
    const before = Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const { location: _l, ...body } = reportInput()
    const plain = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#fff' } }).jpeg().toBuffer()
    const r = await upload('/api/reports/with-photos', form([[plain, 'p.jpg', 'image/jpeg']], { report: JSON.stringify(body) }))
    expect(r.status).toBe(422)
    expect(r.body.error.issues[0].field).toBe('location')
    const after = Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    expect(after).toBe(before)
  })
})

describe('photos of an incident (ticket updates)', () => {
  it('lets field staff attach photos to an incident update, and lists them with the reports photos', async () => {
    const reportId = await newReport()
    const own = await upload(`/api/reports/${reportId}/photos`, form([[await gpsJpeg('#111111'), 'r.jpg', 'image/jpeg']]))
    const rep = await t.db.db.selectFrom('reports').select('incident_id').where('id', '=', reportId).executeTakeFirstOrThrow()
    let incidentId = rep.incident_id
    if (!incidentId) {
      const inc = await t.db.db
        .insertInto('incidents')
        .values({ category_code: 'jalan_rusak', location: 'SRID=4326;POINT(106.85 -6.2)', first_reported_at: new Date(), last_reported_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.db.db.updateTable('reports').set({ incident_id: inc.id }).where('id', '=', reportId).execute()
      incidentId = inc.id
    }
    const anon = await upload(`/api/incidents/${incidentId}/photos`, form([[await gpsJpeg('#222222'), 'done.jpg', 'image/jpeg']]))
    expect(anon.status).toBe(403)
    // Another agency's officer does not learn the ticket exists, let alone add to it.
    const other = await upload(`/api/incidents/${incidentId}/photos`, form([[await gpsJpeg('#222222'), 'x.jpg', 'image/jpeg']]), { 'x-test-role': 'fire' })
    expect(other.status).toBe(404)
    const r = await upload(`/api/incidents/${incidentId}/photos`, form([[await gpsJpeg('#222222'), 'done.jpg', 'image/jpeg']], { update_ref: 'resolved-1' }), {
      'x-test-role': 'field',
    })
    expect(r.status).toBe(201)
    expect(r.body.photos[0]).toMatchObject({ incident_id: incidentId, report_id: null, update_ref: 'resolved-1' })
    // A ticket's photos are its details: for its people (the wall's anonymous display gets 404, see access.photos).
    const list = await t.json('GET', `/api/incidents/${incidentId}/photos`, undefined, { 'x-test-role': 'field' })
    expect(list.status).toBe(200)
    // Its own photo and those of its reports (other tests' reports may have joined it too).
    const ids = list.body.photos.map((x: { id: string }) => x.id)
    expect(ids).toEqual(expect.arrayContaining([r.body.photos[0].id, own.body.photos[0].id]))
  })
})
