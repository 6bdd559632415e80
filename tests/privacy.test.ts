import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Role } from '../server/auth/principal.js'
import type { ServerMessage } from '../server/events/ws.protocol.js'
import type { Logger } from '../server/logger.js'
import { startServer, type Running } from '../server/server.js'
import { createUser } from '../server/users/user.service.js'
import { testConfig } from './helpers/app.js'
import { createTestDb } from './helpers/db.js'
import { seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, BETA, spotIn } from './helpers/tickets.js'

/**
 * A private reporter's name, phone and channel id reach admins and operators only: on every
 * path (report, incident and ticket answers, lists, exports, the WebSocket, the logs), for
 * every role. A non-private reporter's contact reaches everyone but leadership and display.
 */
const SECRET_NAME = 'Siti Rahasiawati'
const SECRET_PHONE = '081299887766'
const SECRET_EXT = 'wamid.SECRET-777'
const OPEN_NAME = 'Budi Terbuka'
const OPEN_PHONE = '089611112222'

let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running
const logLines: string[] = []
const log: Logger = { error: (m) => logLines.push(m), info: (m) => logLines.push(m), debug: (m) => logLines.push(m) }

type Who = Role | 'display_token'
const WHO: Who[] = ['admin', 'operator', 'leadership', 'region_head', 'agency_staff', 'field_officer', 'display', 'display_token']
const headersOf: Partial<Record<Who, Record<string, string>>> = {}
const sockets: Partial<Record<Who, { ws: WebSocket; msgs: ServerMessage[] }>> = {}
let privateTicket = ''
let privateReport = ''
let openReport = ''
let betaTicket = ''
let disputeId = ''

async function api(method: string, path: string, who: Who, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(headersOf[who] ?? {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, text: await res.text() }
}

async function openSocket(who: Who): Promise<{ ws: WebSocket; msgs: ServerMessage[] }> {
  const h = headersOf[who] ?? {}
  // The wall passes its display token in the query; people's screens carry the session cookie.
  const url = `${server.url.replace(/^http/, 'ws')}/ws${who === 'display_token' ? `?token=${h.authorization!.slice(7)}` : ''}`
  const ws = new WebSocket(url, { headers: who === 'display_token' ? {} : h })
  const msgs: ServerMessage[] = []
  ws.on('message', (raw) => msgs.push(JSON.parse(raw.toString()) as ServerMessage))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  ws.send(JSON.stringify({ type: 'subscribe' }))
  await waitFor(() => msgs.some((m) => m.type === 'caught_up'))
  return { ws, msgs }
}

async function waitFor(cond: () => boolean, ms = 15_000) {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Waits until a socket has been through every event up to `seq` (sent to it or held back). */
async function drained(s: { ws: WebSocket; msgs: ServerMessage[] }, seq: number) {
  await waitFor(() => {
    s.ws.send(JSON.stringify({ type: 'ping' }))
    return s.msgs.some((m) => m.type === 'pong' && m.seq >= seq)
  })
}

beforeAll(async () => {
  db = await createTestDb()
  await seedTwoKelurahan(db.db)
  server = await startServer(testConfig(), { db, log })
  const scope: Partial<Record<Role, { region_codes?: string[]; agency_code?: string }>> = {
    region_head: { region_codes: [ALFA] },
    agency_staff: { agency_code: 'pupr' },
    field_officer: { agency_code: 'pupr' },
  }
  for (const role of ['admin', 'operator', 'leadership', 'region_head', 'agency_staff', 'field_officer'] as const) {
    await createUser(db, { username: `u-${role}`, role, password: 'test-password-123', ...scope[role] }, null)
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `u-${role}`, password: 'test-password-123' }),
    })
    expect(res.status).toBe(200)
    headersOf[role] = { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-requested-with': 'sigap' }
  }
  const tok = await api('POST', '/api/display-tokens', 'admin', { name: 'wall' })
  headersOf.display_token = { authorization: `Bearer ${JSON.parse(tok.text).token}` }
  for (const who of WHO) sockets[who] = await openSocket(who)

  // A private reporter, and a non-private one, of one road damage in Alfa (PUPR)...
  const spot = spotIn(ALFA)
  const priv = await api('POST', '/api/reports', 'display', {
    channel: 'whatsapp', external_id: SECRET_EXT, category: 'jalan_rusak', description: 'Jalan amblas di depan sekolah', location: spot,
    reporter: { name: SECRET_NAME, phone: SECRET_PHONE, private: true },
  })
  expect(priv.status).toBe(201)
  privateReport = JSON.parse(priv.text).id
  privateTicket = JSON.parse(priv.text).incident_id
  const open = await api('POST', '/api/reports', 'display', {
    channel: 'call_center', category: 'jalan_rusak', description: 'Jalan amblas', location: spot,
    reporter: { name: OPEN_NAME, phone: OPEN_PHONE },
  })
  openReport = JSON.parse(open.text).id
  expect(JSON.parse(open.text).incident_id).toBe(privateTicket)
  // ...and a waste report in Beta (DLH), outside the region head's and PUPR's scope.
  const beta = await api('POST', '/api/reports', 'display', {
    channel: 'app', category: 'sampah', description: 'Sampah', location: spotIn(BETA), reporter: { name: 'Warga Beta', private: true },
  })
  betaTicket = JSON.parse(beta.text).incident_id
  // A private reporter who pinned Beta but named Alfa: a location dispute that carries the report.
  const disputed = await api('POST', '/api/reports', 'display', {
    channel: 'whatsapp', external_id: `${SECRET_EXT}-2`, category: 'pohon_tumbang', description: 'Pohon tumbang', location: { lat: -6.195, lon: 106.857 },
    claimed_region: 'Alfa', reporter: { name: SECRET_NAME, phone: SECRET_PHONE, private: true },
  })
  disputeId = JSON.parse(disputed.text).location_check.dispute_id
  expect(disputeId).toMatch(/^[0-9a-f-]{36}$/)
  // Staff write the reporter's name into a note, as happens.
  const moves = [
    { to: 'dispatched', note: `Pelapor ${SECRET_NAME} (${SECRET_PHONE}) minta segera` },
    { to: 'resolved', note: `Sudah ditambal, ${SECRET_NAME.toUpperCase()} dikabari` },
  ]
  for (const m of moves) expect((await api('POST', `/api/tickets/${privateTicket}/transition`, 'operator', m)).status).toBe(200)
  const last = server.deps.feed.lastSeq
  for (const who of WHO) await drained(sockets[who]!, last)
}, 180_000)

afterAll(async () => {
  for (const s of Object.values(sockets)) s?.ws.terminate()
  await server?.close()
  await db?.close()
})

const PRIVILEGED = (w: Who) => w === 'admin' || w === 'operator'
const SEES_OPEN_CONTACT = (w: Who) => !['leadership', 'display', 'display_token'].includes(w)

describe.each(WHO)('as %s', (who) => {
  const leaks = (text: string) => [SECRET_NAME, SECRET_PHONE, SECRET_EXT].filter((s) => text.toLowerCase().includes(s.toLowerCase()))

  it('GET /api/reports/:id shows a private reporter only to admin and operator', async () => {
    const priv = await api('GET', `/api/reports/${privateReport}`, who)
    expect(priv.status).toBe(200)
    if (PRIVILEGED(who)) expect(leaks(priv.text)).toEqual([SECRET_NAME, SECRET_PHONE, SECRET_EXT])
    else expect(leaks(priv.text)).toEqual([])
    const open = await api('GET', `/api/reports/${openReport}`, who)
    expect(open.text.includes(OPEN_PHONE)).toBe(SEES_OPEN_CONTACT(who))
  })

  it('lists of reports and incidents hold no private identity for other roles', async () => {
    const paths = ['/api/reports', `/api/incidents/${privateTicket}`, '/api/incidents', '/api/tickets', '/api/stats/response?group=agency_region',
      `/api/disputes/${disputeId}`, '/api/disputes', '/api/export/reports.csv', '/api/export/reports.geojson']
    for (const path of paths) {
      const r = await api('GET', path, who)
      expect(r.status, path).toBe(200)
      if (!PRIVILEGED(who)) expect(leaks(r.text), path).toEqual([])
      // The dispute does carry the report: the command room sees who sent it.
      else if (path.startsWith('/api/disputes/')) expect(r.text, path).toContain(SECRET_NAME)
    }
  })

  it('ticket detail: reporters by role, and the name redacted from staff notes', async () => {
    const r = await api('GET', `/api/tickets/${privateTicket}`, who)
    if (who === 'display' || who === 'display_token') return expect(r.status).toBe(403)
    if (who === 'region_head' || who === 'agency_staff' || who === 'field_officer') expect(r.status).toBe(200) // Alfa, PUPR: in scope
    if (PRIVILEGED(who)) {
      expect(leaks(r.text)).toEqual([SECRET_NAME, SECRET_PHONE, SECRET_EXT])
    } else {
      expect(leaks(r.text)).toEqual([])
      expect(r.text).toContain('[dirahasiakan]')
    }
    expect(r.text.includes(OPEN_NAME)).toBe(SEES_OPEN_CONTACT(who))
  })

  it('CSV export carries a reporter only to the roles that may see them', async () => {
    const r = await api('GET', '/api/tickets/export.csv', who)
    if (who === 'display' || who === 'display_token') return expect(r.status).toBe(403)
    expect(r.status).toBe(200)
    if (PRIVILEGED(who)) expect(r.text).toContain(SECRET_NAME)
    else expect(leaks(r.text)).toEqual([])
    expect(r.text.includes(OPEN_NAME)).toBe(SEES_OPEN_CONTACT(who))
  })

  it('the WebSocket carries no reporter identity at all, and only events in scope', () => {
    const events = sockets[who]!.msgs.flatMap((m) => (m.type === 'event' ? [m] : []))
    const text = JSON.stringify(events)
    expect(leaks(text)).toEqual([])
    expect(text).not.toContain(OPEN_PHONE)
    const aboutTicket = (id: string) => events.some((e) => JSON.stringify(e.data).includes(id))
    expect(aboutTicket(privateTicket)).toBe(true) // Alfa + PUPR: in everyone's scope
    expect(aboutTicket(betaTicket)).toBe(!['region_head', 'agency_staff', 'field_officer'].includes(who))
    expect(events.some((e) => e.event === 'user.created')).toBe(false) // users were made before the sockets opened
  })
})

describe('logs', () => {
  it('never hold a reporter identity', () => {
    expect(logLines.join('\n')).not.toContain(SECRET_NAME)
    expect(logLines.join('\n')).not.toContain(SECRET_PHONE)
    expect(logLines.join('\n')).not.toContain(OPEN_PHONE)
  })
})
