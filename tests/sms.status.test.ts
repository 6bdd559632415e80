import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredEvent } from '../server/events/event.repository.js'
import type { Logger } from '../server/logger.js'
import { deliverOutbox, type MessageSender } from '../server/whatsapp/outbox.js'
import { useWhatsAppServices } from '../server/whatsapp/whatsapp.context.js'
import { notifyStatusChanges } from '../server/whatsapp/whatsapp.service.js'
import { outboxSender } from '../server/whatsapp/whatsapp.worker.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

/**
 * 112 callers who agreed to be told get their status messages by SMS, through an HTTP gateway
 * (an in-process server stands in for it): once per status change (of several waiting at once,
 * the newest only), retried when the gateway fails, on WhatsApp when that is how they agreed,
 * and to nobody who did not agree.
 */
const PUBLIC = 'https://lapor.example.go.id'
const TOKEN = 'gateway-token-123'
let t: TestApp
let gateway: Server
let operator: Record<string, string>
const hits: { auth: string | undefined; body: { to: string; message: string } }[] = []
/** How many of the next requests the gateway answers 503. */
let failNext = 0
const whatsapp: { to: string; body: string }[] = []
const logged: string[] = []
const log: Logger = { error: (m) => logged.push(m), info: (m) => logged.push(m), debug: () => {} }

const read = async (req: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

beforeAll(async () => {
  gateway = createServer((req, res) => {
    void read(req).then((text) => {
      if (failNext > 0) {
        failNext--
        res.writeHead(503).end('busy')
        return
      }
      hits.push({ auth: req.headers.authorization, body: JSON.parse(text) })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"queued"}')
    })
  })
  await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', r))
  const { port } = gateway.address() as AddressInfo
  t = await createTestApp({ config: testConfig({ SIGAP_PUBLIC_URL: PUBLIC, SIGAP_SMS_GATEWAY_URL: `http://127.0.0.1:${port}/sms`, SIGAP_SMS_GATEWAY_TOKEN: TOKEN }) })
  t.deps.log = log
  useWhatsAppServices(t.deps, { sender: { send: async (m) => void whatsapp.push(m) } satisfies MessageSender, media: null })
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
})
afterAll(async () => {
  await t.close()
  await new Promise<void>((r) => gateway.close(() => r()))
})

const call = (phone: string, reporter: Record<string, unknown>, lat: number) =>
  t.json('POST', '/api/reports', { channel: 'call_center', category: 'pohon_tumbang', description: 'Pohon tumbang menutup jalan', location: { lat, lon: 106.8455 }, reporter: { phone, name: 'Penelepon', ...reporter } }, operator)
const move = async (id: string, from: string, to: string, extra: Record<string, unknown> = {}) => {
  expect((await t.json('POST', `/api/tickets/${id}/transition`, { to, ...extra }, operator)).status).toBe(200)
  const ev: StoredEvent = { seq: 1, type: 'ticket.transitioned', data: { ticket: { id }, from, to }, created_at: new Date(), audience: 'place', region_codes: [], agency_codes: [] }
  // Seen twice (two processes, a replay): still one message.
  await notifyStatusChanges(t.deps, [ev])
  await notifyStatusChanges(t.deps, [ev])
}
const flush = async () => {
  // Due now, whatever back-off a failure set: the test does not wait out the minutes.
  await t.db.db.updateTable('outbox_messages').set({ next_attempt_at: new Date(0) }).where('status', '=', 'pending').execute()
  return deliverOutbox(t.db.db, outboxSender(t.deps), t.deps.log)
}

describe('status messages by SMS to 112 callers who agreed', () => {
  it('sends each status change once by SMS, retries a failed send, and sends nothing without consent', async () => {
    const bySms = await call('0812 3456 7001', { notify: true }, -6.2001)
    const byWa = await call('0812 3456 7002', { notify: true, notify_via: 'whatsapp' }, -6.2051)
    const none = await call('0812 3456 7003', {}, -6.2101)
    for (const r of [bySms, byWa, none]) expect(r.status).toBe(201)
    expect(new Set([bySms.body.incident_id, byWa.body.incident_id, none.body.incident_id]).size).toBe(3)
    expect((await t.db.db.selectFrom('report_contact_consents').select(['report_id', 'via']).execute()).sort((a, b) => a.via.localeCompare(b.via))).toEqual([
      { report_id: bySms.body.id, via: 'sms' },
      { report_id: byWa.body.id, via: 'whatsapp' },
    ])

    for (const r of [bySms, byWa, none]) await move(r.body.incident_id, 'new', 'verified')
    failNext = 1
    expect(await flush()).toEqual({ sent: 1, failed: 1 }) // the WhatsApp one went; the gateway refused the SMS
    expect(hits).toHaveLength(0)
    expect(await flush()).toEqual({ sent: 1, failed: 0 })
    expect(hits).toEqual([{ auth: `Bearer ${TOKEN}`, body: { to: '+6281234567001', message: `Tiket ${(bySms.body.id as string).slice(0, 8).toUpperCase()}: laporan Anda sudah diverifikasi.` } }])
    expect(whatsapp).toEqual([{ channel: 'whatsapp', to: '6281234567002', body: expect.stringContaining('sudah diverifikasi') }])
    expect(await flush()).toEqual({ sent: 0, failed: 0 })
    // Nothing for the caller who did not agree, on either channel.
    expect(JSON.stringify([hits, whatsapp])).not.toContain('7003')
    // The log never holds the numbers.
    expect(logged.join('\n')).toContain('failed')
    expect(logged.join('\n')).not.toMatch(/81234567001|0812 3456 7001/)
  })

  it('sends only the newest of the states waiting to go out, and the rating page on resolution (not a "reply with a digit" an SMS cannot carry)', async () => {
    hits.length = 0
    const r = await call('0812 3456 7009', { notify: true }, -6.2151)
    const id = r.body.incident_id as string
    await move(id, 'new', 'verified')
    await flush()
    // Three moves before the next round of sending: the caller is told where the ticket is now,
    // once, not three messages at once.
    await move(id, 'verified', 'dispatched')
    await move(id, 'dispatched', 'in_progress')
    await move(id, 'in_progress', 'resolved', { note: 'Pohon sudah dipotong dan disingkirkan' })
    expect(await flush()).toEqual({ sent: 1, failed: 0 })
    const texts = hits.filter((h) => h.body.to === '+6281234567009').map((h) => h.body.message)
    expect(texts).toHaveLength(2)
    expect(texts[0]).toContain('sudah diverifikasi')
    const rows = await t.db.db.selectFrom('outbox_messages').select(['dedup_key', 'status']).where('dedup_key', 'like', `status:${r.body.id}:%`).orderBy('id').execute()
    expect(rows.map((m) => [m.dedup_key.split(':')[2], m.status])).toEqual([['verified', 'sent'], ['dispatched', 'superseded'], ['in_progress', 'superseded'], ['resolved', 'sent']])
    const resolved = texts.at(-1)!
    expect(resolved).toContain('selesai ditangani')
    expect(resolved).toMatch(new RegExp(`${PUBLIC}/nilai/[A-Za-z0-9_-]+`))
    expect(resolved).not.toContain('balas')
  })

  it('never sends a failed old state after a newer one: the newer replaces it while it waits to be retried', async () => {
    hits.length = 0
    const r = await call('0812 3456 7011', { notify: true }, -6.2201)
    const id = r.body.incident_id as string
    await move(id, 'new', 'verified')
    failNext = 1
    expect(await flush()).toEqual({ sent: 0, failed: 1 })
    await move(id, 'verified', 'dispatched')
    expect(await flush()).toEqual({ sent: 1, failed: 0 })
    expect(await flush()).toEqual({ sent: 0, failed: 0 })
    expect(hits.map((h) => h.body.message)).toEqual([`Tiket ${(r.body.id as string).slice(0, 8).toUpperCase()}: laporan Anda diteruskan ke dinas terkait.`])
  })

  it('keeps the resolution and its rating page when the ticket is closed before it went out', async () => {
    hits.length = 0
    const r = await call('0812 3456 7013', { notify: true }, -6.2251)
    const id = r.body.incident_id as string
    await move(id, 'new', 'dispatched')
    await move(id, 'dispatched', 'in_progress')
    await move(id, 'in_progress', 'resolved', { note: 'Pohon sudah dipotong' })
    await move(id, 'resolved', 'closed')
    expect(await flush()).toEqual({ sent: 2, failed: 0 })
    const texts = hits.map((h) => h.body.message)
    expect(texts[0]).toContain('selesai ditangani')
    expect(texts[0]).toMatch(new RegExp(`${PUBLIC}/nilai/[A-Za-z0-9_-]+`))
    expect(texts[1]).toContain('ditutup')
  })
})
