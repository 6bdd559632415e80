import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredEvent } from '../server/events/event.repository.js'
import { SKM_ELEMENTS } from '../server/ratings/skm.js'
import type { MessageSender } from '../server/whatsapp/outbox.js'
import { useWhatsAppServices } from '../server/whatsapp/whatsapp.context.js'
import { notifyStatusChanges } from '../server/whatsapp/whatsapp.service.js'
import { signBody } from '../server/whatsapp/whatsapp.signature.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

/** Scope columns for an event built by hand (the notifier reads only type and data). */
const unscoped = { audience: 'place', region_codes: [] as string[], agency_codes: [] as string[] }

/**
 * The citizen's loop on WhatsApp: the acknowledgement links to the status page; the resolution
 * message asks for a rating, which a reply "1"-"5" gives; the rating page takes a score and the
 * SKM survey on a phone.
 */
const SECRET = 'loop-secret'
const PUBLIC = 'https://lapor.example.go.id'
let t: TestApp
let operator: Record<string, string>
let seq = 0
const nowS = () => String(Math.floor(Date.now() / 1000))
const text = (from: string, body: string) => ({ from, id: `wamid.loop.${++seq}`, timestamp: nowS(), type: 'text', text: { body } })
const location = (from: string, lat: number, lon: number) => ({ from, id: `wamid.loop.${++seq}`, timestamp: nowS(), type: 'location', location: { latitude: lat, longitude: lon } })
async function post(messages: Record<string, unknown>[], name = 'Ibu Pelapor Rahasia') {
  const from = messages[0]!.from as string
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, contacts: [{ wa_id: from, profile: { name } }], messages } }] }],
  })
  const res = await t.app.request('/webhooks/whatsapp', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) }, body })
  expect(res.status).toBe(200)
  return (await res.json()) as { accepted: number; duplicates: number; reports: number }
}
const outbox = (to: string) => t.db.db.selectFrom('outbox_messages').select(['dedup_key', 'body']).where('recipient', '=', to).orderBy('id').execute()
const page = async (path: string, init?: RequestInit) => {
  const res = await t.app.request(path, init)
  return { status: res.status, text: await res.text() }
}
const form = (fields: Record<string, string | number>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString(),
})

const who = '6281377700011'
let reportId = '', incidentId = '', token = ''

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_WHATSAPP_APP_SECRET: SECRET, SIGAP_PUBLIC_URL: PUBLIC }) })
  const none: MessageSender = { send: async () => {} }
  useWhatsAppServices(t.deps, { sender: none, media: null })
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
  expect((await post([text(who, 'Jalan berlubang besar #rahasia'), location(who, -6.2045, 106.8445)])).reports).toBe(1)
  reportId = (await t.db.db.selectFrom('whatsapp_conversations').select('report_id').where('sender', '=', who).executeTakeFirstOrThrow()).report_id!
  incidentId = (await t.db.db.selectFrom('reports').select('incident_id').where('id', '=', reportId).executeTakeFirstOrThrow()).incident_id!
})
afterAll(() => t.close())

const transitioned = (to: string): StoredEvent => ({ seq: 1, type: 'ticket.transitioned', data: { ticket: { id: incidentId }, from: 'dispatched', to }, created_at: new Date(), ...unscoped })

describe('WhatsApp reporter', () => {
  it('gets the status page link with the ticket number, and the page works without showing them', async () => {
    const ack = (await outbox(who)).find((m) => m.dedup_key.startsWith('ack:'))!
    const number = reportId.slice(0, 8).toUpperCase()
    const link = new RegExp(`${PUBLIC}(/status/${number}\\?k=[A-Za-z0-9_-]+)`).exec(ack.body)
    expect(link).not.toBeNull()
    const p = await page(link![1]!)
    expect(p.status).toBe(200)
    expect(p.text).toContain(number)
    expect(p.text).not.toContain('Ibu Pelapor Rahasia')
    expect(p.text).not.toContain(who)
  })

  it('is asked for a rating when resolved, and a reply "4" is the rating, once', async () => {
    await t.json('POST', `/api/tickets/${incidentId}/transition`, { to: 'dispatched' }, operator)
    await t.json('POST', `/api/tickets/${incidentId}/transition`, { to: 'resolved', note: 'Lubang sudah ditambal' }, operator)
    expect(await notifyStatusChanges(t.deps, [transitioned('resolved')])).toBe(1)
    const msg = (await outbox(who)).find((m) => m.dedup_key === `status:${reportId}:resolved`)!
    expect(msg.body).toContain('balas pesan ini dengan angka 1')
    token = /\/nilai\/([A-Za-z0-9_-]+)/.exec(msg.body)![1]!
    expect(msg.body).toContain(`${PUBLIC}/nilai/${token}`)

    const reply = text(who, ' 4 ')
    const r = await post([reply])
    expect(r.accepted).toBe(1)
    expect(r.reports).toBe(0)
    const rating = await t.db.db.selectFrom('ratings').select(['score', 'via']).where('report_id', '=', reportId).executeTakeFirstOrThrow()
    expect(rating).toEqual({ score: 4, via: 'link' })
    expect((await outbox(who)).at(-1)!.body).toContain('4 dari 5')
    // The same delivery again changes nothing; no conversation was started by the digit.
    expect((await post([reply])).duplicates).toBe(1)
    expect(await t.db.db.selectFrom('whatsapp_conversations').select('id').where('sender', '=', who).where('status', '=', 'open').execute()).toEqual([])
  })

  it('a digit from someone with nothing resolved is an ordinary message', async () => {
    const other = '6281377700099'
    await post([text(other, '5')])
    expect(await t.db.db.selectFrom('ratings').select('score').where('comment', 'is', null).where('score', '=', 5).execute()).toEqual([])
    expect(await t.db.db.selectFrom('whatsapp_conversations').select('id').where('sender', '=', other).execute()).toHaveLength(1)
  })
})

describe('the rating and SKM page', () => {
  it('shows what is rated and the ten survey elements, in Bahasa Indonesia, without the reporter', async () => {
    const p = await page(`/nilai/${token}`)
    expect(p.status).toBe(200)
    expect(p.text).toContain('Penilaian layanan')
    expect(p.text).toContain('Lubang sudah ditambal')
    for (const e of SKM_ELEMENTS) expect(p.text).toContain(e.name)
    expect(p.text).not.toContain('Ibu Pelapor Rahasia')
    expect((await page('/nilai/tidak-ada-tautan-seperti-ini')).status).toBe(404)
    expect((await page('/nilai/<x>')).status).toBe(404)
  })

  it('refuses half a survey whole, then stores the rating and the survey', async () => {
    const half = Object.fromEntries(SKM_ELEMENTS.slice(0, 5).map((e) => [e.code, 3]))
    const bad = await page(`/nilai/${token}`, form({ score: 5, ...half }))
    expect(bad.status).toBe(422)
    expect(bad.text).toContain('kesepuluh unsur')
    expect((await t.db.db.selectFrom('ratings').select('score').where('report_id', '=', reportId).executeTakeFirstOrThrow()).score).toBe(4)
    expect((await page(`/nilai/${token}`, form({ score: 9 }))).status).toBe(422)

    const all = Object.fromEntries(SKM_ELEMENTS.map((e, i) => [e.code, (i % 4) + 1]))
    const ok = await page(`/nilai/${token}`, form({ score: 5, comment: 'Cepat', ...all }))
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('Terima kasih')
    expect(await t.db.db.selectFrom('ratings').select(['score', 'comment']).where('report_id', '=', reportId).executeTakeFirstOrThrow()).toEqual({ score: 5, comment: 'Cepat' })
    const skm = await t.db.db.selectFrom('skm_responses').select(['agency_code', 'scores']).where('report_id', '=', reportId).execute()
    expect(skm).toEqual([{ agency_code: 'pupr', scores: SKM_ELEMENTS.map((_, i) => (i % 4) + 1) }])
    // Once per link: sending the survey again keeps the first.
    await page(`/nilai/${token}`, form({ score: 5, ...Object.fromEntries(SKM_ELEMENTS.map((e) => [e.code, 4])) }))
    expect(await t.db.db.selectFrom('skm_responses').select('id').where('report_id', '=', reportId).execute()).toHaveLength(1)
  })
})

describe('112 callers who agreed', () => {
  it('get the status messages at the phone they gave; callers who did not, nothing', async () => {
    const call = (phone: string, notify?: boolean) =>
      t.json('POST', '/api/reports', { channel: 'call_center', category: 'pohon_tumbang', description: 'Pohon tumbang', location: { lat: -6.2079, lon: 106.8555 }, reporter: { phone, name: 'Penelepon', ...(notify === undefined ? {} : { notify }) } }, operator)
    const bad = await t.json('POST', '/api/reports', { channel: 'call_center', category: 'pohon_tumbang', description: 'x', location: { lat: -6.2, lon: 106.85 }, reporter: { notify: true } }, operator)
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('reporter.phone')
    const yes = await call('0812 3456 7001', true)
    expect(yes.status).toBe(201)
    const no = await call('0812 3456 7002')
    const ids = [yes.body.incident_id, no.body.incident_id] as string[]
    for (const id of new Set(ids)) {
      await t.json('POST', `/api/tickets/${id}/transition`, { to: 'dispatched' }, operator)
      const ev: StoredEvent = { seq: 1, type: 'ticket.transitioned', data: { ticket: { id }, from: 'new', to: 'dispatched' }, created_at: new Date(), ...unscoped }
      await notifyStatusChanges(t.deps, [ev])
    }
    expect((await outbox('6281234567001')).map((m) => m.body)).toEqual([expect.stringContaining('diteruskan ke dinas terkait')])
    expect(await outbox('6281234567002')).toEqual([])
  })
})
