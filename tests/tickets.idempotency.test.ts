import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, newTicket } from './helpers/tickets.js'

// A field tablet queues its updates while offline and sends each with its own Idempotency-Key
// until it gets an answer: a lost answer means the same request arrives again.

let t: TestApp
type H = Record<string, string>
let operator: H, field: H

beforeAll(async () => {
  t = await createTestApp()
  usePhotoStore(t.deps, new MemoryPhotoStore())
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  field = (await signIn(t, 'field_officer', { agencyCode: 'pupr' })).headers
})
afterAll(() => t.close())

const move = (id: string, body: Record<string, unknown>, who: H, key?: string) =>
  t.json('POST', `/api/tickets/${id}/transition`, body, key ? { ...who, 'idempotency-key': key } : who)
const transitions = (id: string) =>
  t.db.db.selectFrom('ticket_events').select(['from_status', 'to_status']).where('incident_id', '=', id).where('kind', '=', 'transition').orderBy('id').execute()
const liveEvents = async (id: string) =>
  (await t.db.db.selectFrom('events').select('data').where('type', '=', 'ticket.transitioned').execute()).filter(
    (e) => (e.data as { ticket: { id: string } }).ticket.id === id,
  ).length

async function dispatched(): Promise<string> {
  const id = await newTicket(t, ALFA) // jalan_rusak: PUPR
  expect((await move(id, { to: 'dispatched' }, operator)).status).toBe(200)
  return id
}

describe('Idempotency-Key on ticket transitions', () => {
  it('answers a retried resolution with the first outcome and records it once', async () => {
    const id = await dispatched()
    const key = 'f3b0c9c2-7d4e-4b1a-9f7e-2c1d0e9a8b71'
    const body = { to: 'resolved', note: 'Lubang sudah ditambal' }
    const first = await move(id, body, field, key)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ changed: true, ticket: { id, status: 'resolved' } })
    const again = await move(id, body, field, key)
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ changed: true, duplicate: true, ticket: { id, status: 'resolved' } })
    expect(await transitions(id)).toEqual([
      { from_status: 'new', to_status: 'dispatched' },
      { from_status: 'dispatched', to_status: 'resolved' },
    ])
    expect(await liveEvents(id)).toBe(2)
    // The key is plumbing: the history people read does not carry it.
    const detail = await t.json('GET', `/api/tickets/${id}`, undefined, field)
    expect(JSON.stringify(detail.body.history)).not.toContain(key)
  })

  it('still answers the first outcome after the ticket moved on, where a plain retry is refused', async () => {
    const id = await dispatched()
    const key = 'progress-then-closed-1'
    expect((await move(id, { to: 'in_progress' }, field, key)).status).toBe(200)
    expect((await move(id, { to: 'resolved', note: 'Selesai dikerjakan' }, field)).status).toBe(200)
    expect((await move(id, { to: 'closed' }, operator)).status).toBe(200)
    // The answer to the first request was lost; the tablet sends it again.
    const replay = await move(id, { to: 'in_progress' }, field, key)
    expect(replay.status).toBe(200)
    expect(replay.body).toMatchObject({ changed: true, duplicate: true, ticket: { status: 'closed' } })
    // Without the key the same request is a move the table does not allow.
    expect((await move(id, { to: 'in_progress' }, field)).status).toBe(409)
    expect((await transitions(id)).map((r) => r.to_status)).toEqual(['dispatched', 'in_progress', 'resolved', 'closed'])
  })

  it('does not resolve twice when a resolution is replayed after the ticket was reopened', async () => {
    const id = await dispatched()
    const key = 'resolve-reopen-1'
    expect((await move(id, { to: 'resolved', note: 'Sudah diperbaiki' }, field, key)).status).toBe(200)
    expect((await move(id, { to: 'reopened', reason: 'Warga bilang belum beres' }, operator)).status).toBe(200)
    const replay = await move(id, { to: 'resolved', note: 'Sudah diperbaiki' }, field, key)
    expect(replay.body).toMatchObject({ duplicate: true, ticket: { status: 'reopened' } })
    expect((await transitions(id)).map((r) => r.to_status)).toEqual(['dispatched', 'resolved', 'reopened'])
  })

  it('refuses a key reused for another change, and a bad key, changing nothing', async () => {
    const id = await dispatched()
    expect((await move(id, { to: 'in_progress' }, field, 'reused-key-1')).status).toBe(200)
    const other = await move(id, { to: 'resolved', note: 'Beres' }, field, 'reused-key-1')
    expect(other.status).toBe(422)
    expect(other.body.error).toMatchObject({ code: 'idempotency_key_reused', issues: [{ field: 'Idempotency-Key' }] })
    const long = await move(id, { to: 'resolved', note: 'Beres' }, field, 'x'.repeat(201))
    expect(long.status).toBe(422)
    expect(long.body.error.issues[0].field).toContain('Idempotency-Key')
    expect((await transitions(id)).map((r) => r.to_status)).toEqual(['dispatched', 'in_progress'])
  })

  it('keeps keys per ticket: the same key on another ticket is a new change', async () => {
    const a = await dispatched()
    const b = await dispatched()
    expect((await move(a, { to: 'in_progress' }, field, 'shared-key')).body.duplicate).toBeUndefined()
    const onB = await move(b, { to: 'in_progress' }, field, 'shared-key')
    expect(onB.body).toMatchObject({ changed: true, ticket: { status: 'in_progress' } })
    expect(onB.body.duplicate).toBeUndefined()
  })

  it('serialises two copies of one request sent at once: one change', async () => {
    const id = await dispatched()
    const body = { to: 'resolved', note: 'Dikirim dua kali sekaligus' }
    const [x, y] = await Promise.all([move(id, body, field, 'race-1'), move(id, body, field, 'race-1')])
    expect([x.status, y.status]).toEqual([200, 200])
    expect([x.body.duplicate, y.body.duplicate].filter(Boolean)).toHaveLength(1)
    expect((await transitions(id)).map((r) => r.to_status)).toEqual(['dispatched', 'resolved'])
  })
})

describe('a queued resolution with a photo, retried', () => {
  it('stores the photo once and resolves once when both requests are sent again', async () => {
    const id = await dispatched()
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#4a7' } }).jpeg().toBuffer()
    const upload = async () => {
      const f = new FormData()
      f.append('photo', new File([new Uint8Array(jpeg)], 'selesai.jpg', { type: 'image/jpeg' }))
      f.append('update_ref', 'upd-77')
      const res = await t.app.request(`/api/incidents/${id}/photos`, { method: 'POST', body: f, headers: { ...field, 'idempotency-key': 'upd-77:photo' } })
      return { status: res.status, body: (await res.json()) as { photos: { id: string; duplicate: boolean }[] } }
    }
    const p1 = await upload()
    expect(p1.status).toBe(201)
    const p2 = await upload()
    expect(p2.status).toBe(200)
    expect(p2.body.photos.map((p) => p.id)).toEqual(p1.body.photos.map((p) => p.id))
    const photoIds = p1.body.photos.map((p) => p.id)
    const body = { to: 'resolved', note: 'Ditambal, foto terlampir', photo_ids: photoIds }
    expect((await move(id, body, field, 'upd-77')).status).toBe(200)
    expect((await move(id, body, field, 'upd-77')).body.duplicate).toBe(true)

    const rows = await t.db.db.selectFrom('photos').select('id').where('incident_id', '=', id).execute()
    expect(rows.map((r) => r.id)).toEqual(photoIds)
    const detail = await t.json('GET', `/api/tickets/${id}`, undefined, field)
    expect(detail.body).toMatchObject({ status: 'resolved', resolution: { note: 'Ditambal, foto terlampir', photo_ids: photoIds } })
    expect(detail.body.history.filter((h: { to: string }) => h.to === 'resolved')).toHaveLength(1)
  })
})
