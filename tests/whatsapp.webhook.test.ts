import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredEvent } from '../server/events/event.repository.js'
import { createLogger } from '../server/logger.js'
import { MemoryPhotoStore, usePhotoStore } from '../server/photos/photo.store.js'
import { LoggingSender, deliverOutbox, maskPhone, type MessageSender } from '../server/whatsapp/outbox.js'
import { useWhatsAppServices } from '../server/whatsapp/whatsapp.context.js'
import { notifyStatusChanges, tick } from '../server/whatsapp/whatsapp.service.js'
import { signBody } from '../server/whatsapp/whatsapp.signature.js'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

/** Scope columns for an event built by hand (the notifier reads only type and data). */
const unscoped = { audience: 'place', region_codes: [] as string[], agency_codes: [] as string[] }

const SECRET = 'app-secret-for-tests'
const VERIFY = 'verify-me'
let t: TestApp
const sent: { to: string; body: string }[] = []
const recorder: MessageSender = { send: async (m) => void sent.push({ to: m.to, body: m.body }) }
let seq = 0

const nowS = () => Math.floor(Date.now() / 1000)
type Msg = Record<string, unknown>
const text = (from: string, body: string, ts = nowS()): Msg => ({ from, id: `wamid.${++seq}`, timestamp: String(ts), type: 'text', text: { body } })
const location = (from: string, lat: number, lon: number): Msg => ({
  from, id: `wamid.${++seq}`, timestamp: String(nowS()), type: 'location', location: { latitude: lat, longitude: lon, name: 'Pasar Baru' },
})
const image = (from: string, caption?: string): Msg => ({
  from, id: `wamid.${++seq}`, timestamp: String(nowS()), type: 'image', image: { id: `media-${seq}`, mime_type: 'image/jpeg', ...(caption ? { caption } : {}) },
})
function delivery(messages: Msg[], name = 'Warga Satu') {
  const from = messages[0]!.from as string
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, contacts: [{ wa_id: from, profile: { name } }], messages } }] }],
  })
}
async function post(body: string, signature: string | null = signBody(body, SECRET)) {
  const res = await t.app.request('/webhooks/whatsapp', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    body,
  })
  return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}
const waReports = (sender: string) =>
  t.db.db.selectFrom('reports').selectAll().where('channel', '=', 'whatsapp').where('reporter_phone', '=', `+${sender}`).execute()
const conversations = (sender: string) => t.db.db.selectFrom('whatsapp_conversations').selectAll().where('sender', '=', sender).orderBy('started_at').execute()
/** Makes a sender's open conversation look quiet for longer than the window. */
const age = (sender: string, seconds: number) =>
  t.db.db
    .updateTable('whatsapp_conversations')
    .set({ last_message_at: new Date(Date.now() - seconds * 1000), started_at: new Date(Date.now() - seconds * 1000) })
    .where('sender', '=', sender)
    .where('status', '=', 'open')
    .execute()

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_WHATSAPP_APP_SECRET: SECRET, SIGAP_WHATSAPP_VERIFY_TOKEN: VERIFY, SIGAP_WHATSAPP_WINDOW_S: '60' }) })
  // A different picture for every media id.
  const photoFor = async (id: string) => {
    const n = [...id].reduce((a, ch) => (a * 31 + ch.charCodeAt(0)) % 0xffffff, 7)
    return sharp({ create: { width: 100, height: 80, channels: 3, background: `#${n.toString(16).padStart(6, '0')}` } }).jpeg().toBuffer()
  }
  useWhatsAppServices(t.deps, { sender: recorder, media: { fetch: async (id) => ({ bytes: await photoFor(id), mimeType: 'image/jpeg' }) } })
  usePhotoStore(t.deps, new MemoryPhotoStore())
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('verification handshake', () => {
  it('answers the challenge only for the right verify token', async () => {
    const ok = await t.app.request(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('1158201444')
    const wrong = await t.app.request('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1')
    expect(wrong.status).toBe(403)
    const mode = await t.app.request(`/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`)
    expect(mode.status).toBe(422)
  })
})

describe('signatures', () => {
  it('makes a report from a signed delivery with a location and text, and acknowledges it with the ticket number', async () => {
    const body = delivery([text('6281200000001', 'Jalan berlubang besar di depan pasar'), location('6281200000001', -6.2, 106.855)])
    const r = await post(body)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ accepted: 2, duplicates: 0, reports: 1 })
    const [rep] = await waReports('6281200000001')
    expect(rep).toMatchObject({ category_code: 'jalan_rusak', region_code: '31.71.01.1002', reporter_name: 'Warga Satu', reporter_private: false })
    expect(rep!.description).toBe('Jalan berlubang besar di depan pasar')

    sent.length = 0
    await deliverOutbox(t.db.db, recorder, t.deps.log)
    expect(sent).toEqual([{ to: '6281200000001', body: expect.stringContaining(`Nomor tiket: ${rep!.id.slice(0, 8).toUpperCase()}`) }])
    // Sent once: a second round has nothing left.
    await deliverOutbox(t.db.db, recorder, t.deps.log)
    expect(sent).toHaveLength(1)
  })

  const refused: [string, (body: string) => string | null][] = [
    ['no signature', () => null],
    ['a signature made with another secret', (b) => signBody(b, 'not-the-secret')],
    ['a signature of another body', (b) => signBody(b.replace('Banjir', 'Banjir!'), SECRET)],
    ['a malformed signature', () => 'sha256=xyz'],
    ['a signature without its prefix', (b) => signBody(b, SECRET).slice('sha256='.length)],
  ]
  it.each(refused)('refuses %s with 401 and stores nothing', async (_what, sign) => {
    const body = delivery([text('6281200000002', 'Banjir di jalan utama'), location('6281200000002', -6.2, 106.845)])
    const r = await post(body, sign(body))
    expect(r.status).toBe(401)
    expect(await conversations('6281200000002')).toHaveLength(0)
    expect(await t.db.db.selectFrom('whatsapp_seen_messages').selectAll().where('message_id', '=', `wamid.${seq}`).execute()).toHaveLength(0)
  })
})

describe('replays', () => {
  it('makes no second report when the same signed delivery comes again', async () => {
    const body = delivery([text('6281200000003', 'Pohon tumbang menutup jalan'), location('6281200000003', -6.2, 106.845)])
    expect((await post(body)).body).toMatchObject({ accepted: 2, reports: 1 })
    const again = await post(body)
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, reports: 0 })
    expect(await waReports('6281200000003')).toHaveLength(1)
  })

  it('ignores messages older than the accepted age', async () => {
    const old = nowS() - t.deps.config.SIGAP_WHATSAPP_MAX_AGE_S - 60
    const r = await post(delivery([text('6281200000004', 'Kebakaran gudang', old)]))
    expect(r.body).toMatchObject({ accepted: 0, stale: 1 })
    expect(await conversations('6281200000004')).toHaveLength(0)
  })
})

describe('gathering messages into one report', () => {
  it('gathers text, a photo and then the location from separate deliveries into one report with the photo', async () => {
    const who = '6281200000005'
    expect((await post(delivery([text(who, 'Sampah menumpuk di TPS')]))).body.reports).toBe(0)
    expect((await post(delivery([image(who, 'sudah seminggu')]))).body.reports).toBe(0)
    expect(await waReports(who)).toHaveLength(0)
    expect((await post(delivery([location(who, -6.2, 106.845)]))).body.reports).toBe(1)
    const reps = await waReports(who)
    expect(reps).toHaveLength(1)
    expect(reps[0]).toMatchObject({ category_code: 'sampah', description: 'Sampah menumpuk di TPS\nsudah seminggu', region_code: '31.71.01.1001' })
    const photos = await t.db.db.selectFrom('photos').selectAll().where('report_id', '=', reps[0]!.id).execute()
    expect(photos).toHaveLength(1)
    // A photo right after the report joins it; words start a new conversation.
    await post(delivery([image(who)]))
    expect(await t.db.db.selectFrom('photos').selectAll().where('report_id', '=', reps[0]!.id).execute()).toHaveLength(2)
    await post(delivery([text(who, 'Terima kasih')]))
    const convs = await conversations(who)
    expect(convs.map((c) => c.status)).toEqual(['flushed', 'open'])
  })

  it('flushes a location that came alone once the window has passed, and reminds a sender who sent no location', async () => {
    const placeOnly = '6281200000006'
    const wordsOnly = '6281200000007'
    await post(delivery([location(placeOnly, -6.2, 106.855)]))
    await post(delivery([text(wordsOnly, 'Lampu jalan mati')]))
    // Still inside the window: nothing happens.
    expect(await tick(t.deps)).toMatchObject({ flushed: 0, reminded: 0 })
    await age(placeOnly, 120)
    await age(wordsOnly, 120)
    expect(await tick(t.deps)).toMatchObject({ flushed: 1, reminded: 1 })
    expect(await waReports(placeOnly)).toHaveLength(1)
    expect(await waReports(wordsOnly)).toHaveLength(0)
    // The reminder goes once, and the words wait for the location.
    expect(await tick(t.deps)).toMatchObject({ flushed: 0, reminded: 0 })
    sent.length = 0
    await deliverOutbox(t.db.db, recorder, t.deps.log)
    expect(sent.filter((m) => m.to === wordsOnly)).toEqual([{ to: wordsOnly, body: expect.stringContaining('lokasi') }])
    await post(delivery([location(wordsOnly, -6.2, 106.845)]))
    expect((await waReports(wordsOnly))[0]).toMatchObject({ category_code: 'penerangan_jalan', description: 'Lampu jalan mati' })
  })

  it('loses nothing across a restart: a new process flushes what the old one accepted, or finishes an interrupted flush', async () => {
    // Accepted, waiting for words that never came: only in the database when the process stops.
    const who = '6281200000008'
    await post(delivery([location(who, -6.195, 106.845)]))
    await age(who, 120)
    // And a flush that stopped right after claiming its conversation, before the report was stored.
    const other = '6281200000009'
    await post(delivery([text(other, 'Tanah longsor')]))
    await t.db.db
      .updateTable('whatsapp_conversations')
      .set({ location: JSON.stringify({ lat: -6.2, lon: 106.845 }), status: 'flushed', flushed_at: new Date(Date.now() - 120_000) })
      .where('sender', '=', other)
      .execute()
    expect(await waReports(other)).toHaveLength(0)
    const restarted = await createTestApp({ db: t.db, config: t.deps.config })
    try {
      useWhatsAppServices(restarted.deps, { sender: recorder, media: null })
      expect(await tick(restarted.deps)).toMatchObject({ flushed: 2 })
      expect(await waReports(other)).toHaveLength(1)
      expect(await waReports(who)).toHaveLength(1)
    } finally {
      await restarted.close()
    }
  })
})

describe('replies', () => {
  it('tells the reporter when the ticket changes state, once per state', async () => {
    const who = '6281200000010'
    await post(delivery([text(who, 'Kabel listrik putus'), location(who, -6.2, 106.855)]))
    const [rep] = await waReports(who)
    let incidentId = rep!.incident_id
    if (!incidentId) {
      const inc = await t.db.db
        .insertInto('incidents')
        .values({ category_code: 'listrik_padam', location: 'SRID=4326;POINT(106.855 -6.2)', first_reported_at: new Date(), last_reported_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.db.db.updateTable('reports').set({ incident_id: inc.id }).where('id', '=', rep!.id).execute()
      incidentId = inc.id
    }
    // As the tickets module writes a transition; and the generic shape any module may use.
    const transitioned = (to: string): StoredEvent => ({ seq: 1, type: 'ticket.transitioned', data: { ticket: { id: incidentId, status: to }, from: 'new', to }, created_at: new Date(), ...unscoped })
    const generic = (status: string): StoredEvent => ({ seq: 2, type: 'incident.updated', data: { id: incidentId, status }, created_at: new Date(), ...unscoped })
    expect(await notifyStatusChanges(t.deps, [transitioned('in_progress')])).toBe(1)
    expect(await notifyStatusChanges(t.deps, [transitioned('in_progress'), generic('in_progress')])).toBe(0)
    // 'new' is what every incident starts as: the acknowledgement already said so.
    expect(await notifyStatusChanges(t.deps, [generic('new')])).toBe(0)
    expect(await notifyStatusChanges(t.deps, [generic('resolved')])).toBe(1)
    const queued = await t.db.db.selectFrom('outbox_messages').selectAll().where('recipient', '=', who).where('dedup_key', 'like', 'status:%').orderBy('id').execute()
    expect(queued.map((m) => m.body)).toEqual([expect.stringContaining('sedang dikerjakan'), expect.stringContaining('selesai ditangani')])
    // Neither was sent yet: the reporter gets the newest only.
    expect(queued.map((m) => m.status)).toEqual(['superseded', 'pending'])
  })

  it('logs replies with the phone number masked by default', async () => {
    expect(maskPhone('6281234567890')).toBe('628******7890')
    const lines: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stderr.write
    try {
      await new LoggingSender(createLogger('info')).send({ channel: 'whatsapp', to: '6281234567890', body: 'Nomor tiket: ABCD1234' })
    } finally {
      process.stderr.write = write
    }
    expect(lines.join('')).toContain('628******7890')
    expect(lines.join('')).not.toContain('6281234567890')
  })
})
