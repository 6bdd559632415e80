import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../server/auth/principal.js'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { createTestApp, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { BETA } from './helpers/tickets.js'

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

/** A photo whose EXIF says where the camera stood: in Beta, like the pin. */
const gpsJpeg = () =>
  sharp({ create: { width: 320, height: 240, channels: 3, background: '#777' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 12/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 51/1 18/1' } })
    .toBuffer()

describe('a dispute\'s photo evidence', () => {
  it('gives where the camera stood only to the roles that may see reporters', async () => {
    const res = await t.json('POST', '/api/reports', reportInput({ location: { lat: -6.2, lon: 106.855 }, claimed_region: 'Alfa' }))
    expect(res.body.location_check.status).toBe('mismatch')
    const form = new FormData()
    form.append('photo', new File([new Uint8Array(await gpsJpeg())], 'bukti.jpg', { type: 'image/jpeg' }))
    const headers = { 'x-photo-token': res.body.photo_token }
    expect((await t.app.request(`/api/reports/${res.body.id}/photos`, { method: 'POST', body: form, headers })).status).toBe(201)
    const path = `/api/disputes/${res.body.location_check.dispute_id}`

    const head = await t.json('GET', path, undefined, as({ role: 'region_head', regionCodes: [BETA] }))
    expect(head.status).toBe(200)
    expect(head.body.evidence.photos).toHaveLength(1)
    expect(head.body.evidence.photos[0].exif_location.lat).toBeCloseTo(-6.2, 6)
    expect(head.body.evidence.photos[0].exif_region).toMatchObject({ code: BETA })

    for (const viewer of [{}, as({ role: 'leadership' })]) {
      const other = await t.json('GET', path, undefined, viewer)
      expect(other.status).toBe(200)
      expect(other.body.evidence.photos).toHaveLength(1)
      expect(other.body.evidence.photos[0].exif_location).toBeNull()
    }
  })
})
