import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useIntakeMode } from '../bench/intake-modes.js'
import { createTestApp, signIn, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, spotIn } from './helpers/tickets.js'
import { NEARBY_PER_MINUTE } from '../server/citizen/citizen.routes.js'
import { notifyStatusChanges } from '../server/whatsapp/whatsapp.service.js'

/**
 * The citizens' web form (/lapor): a report sent anonymously on channel `web`, the open incidents
 * of its kind shown near its point first, and "saya juga" joining one of them instead of a new ticket.
 */
let t: TestApp
let operator: Record<string, string>
let key = 0
const post = (body: unknown, headers: Record<string, string> = {}) => t.json('POST', '/api/reports', body, { 'idempotency-key': `lapor-${++key}`, ...headers })
const nearby = (q: Record<string, string | number>) => t.json('GET', `/api/lapor/nearby?${new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)]))}`)
const move = (id: string, body: Record<string, unknown>) => t.json('POST', `/api/tickets/${id}/transition`, body, operator)
/** A point `m` metres north of `p`. */
const north = (p: { lat: number; lon: number }, m: number) => ({ lat: p.lat + m / 110_574, lon: p.lon })
const reportsOf = async (incidentId: string) => (await t.db.db.selectFrom('reports').select('id').where('incident_id', '=', incidentId).execute()).length

const WHO = { name: 'Bapak Pelapor Rahasia', phone: '081211112222', words: 'Lubang dalam di depan rumah Pak Darto' }

/** An open pothole incident (jalan_rusak: matched within 50 m) opened by a private reporter. */
async function pothole() {
  const at = spotIn(ALFA)
  const r = await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: WHO.words, location: at, reporter: { name: WHO.name, phone: WHO.phone, private: true } }))
  expect(r.status).toBe(201)
  return { at, incidentId: r.body.incident_id as string, reportId: r.body.id as string }
}

beforeAll(async () => {
  t = await createTestApp()
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
})
afterAll(() => t.close())

describe('a citizen reports on the web form', () => {
  it('stores an anonymous web report and answers its ticket number and the reporter\'s own status link', async () => {
    const r = await post(reportInput({ channel: 'web', category: 'sampah', description: 'Sampah menumpuk di pinggir kali', location: spotIn(ALFA), reporter: { phone: '081233334444', private: true, notify: true } }))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ channel: 'web', duplicate: false, incident_new: true, photo_token: expect.any(String) })
    const number = (r.body.id as string).slice(0, 8).toUpperCase()
    expect(r.body.status_path).toMatch(new RegExp(`^/status/${number}\\?k=[A-Za-z0-9_-]+$`))
    // The link opens that one report's status.
    const [path, k] = (r.body.status_path as string).split('?k=')
    const status = await t.json('GET', `/api/status/${path!.split('/')[2]}?k=${k}`)
    expect(status.status).toBe(200)
    expect(status.body.tickets).toHaveLength(1)
    expect(status.body.tickets[0]).toMatchObject({ ticket_number: number, status: 'new', kelurahan: 'Alfa' })
    // Consent to status messages, kept with the report.
    expect(await t.db.db.selectFrom('report_contact_consents').select('report_id').where('report_id', '=', r.body.id).executeTakeFirst()).toBeDefined()
  })

  it('answers a retry with the same report, not a second one', async () => {
    const body = reportInput({ channel: 'web', category: 'sampah', description: 'Sampah dibakar tiap malam', location: spotIn(ALFA) })
    const first = await post(body, { 'idempotency-key': 'lapor-form-retry' })
    const again = await post(body, { 'idempotency-key': 'lapor-form-retry' })
    expect(first.status).toBe(201)
    expect(again.status).toBe(200)
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true, status_path: first.body.status_path })
    expect(again.body.photo_token).toBeUndefined()
    expect(await reportsOf(first.body.incident_id)).toBe(1)
  })
})

describe('GET /api/lapor/nearby', () => {
  it('lists open incidents of the same kind within the category\'s matching radius, nearest first', async () => {
    const a = await pothole()
    const b = await pothole() // another spot, 110 m away: outside 50 m of a
    const r = await nearby({ lat: north(a.at, 30).lat, lon: a.at.lon, category: 'jalan_rusak' })
    expect(r.status).toBe(200)
    expect(r.body.radius_m).toBe(50)
    const ids = r.body.incidents.map((i: { id: string }) => i.id)
    expect(ids).toContain(a.incidentId)
    expect(ids).not.toContain(b.incidentId)
    expect(r.body.incidents[0]).toMatchObject({ id: a.incidentId, category: 'jalan_rusak', status: 'new', status_label: 'Diterima, menunggu verifikasi', kelurahan: 'Alfa', report_count: 1 })
    expect(r.body.incidents[0].distance_m).toBeGreaterThan(25)
    expect(r.body.incidents[0].distance_m).toBeLessThan(35)
    // Another category at the same place, and the same one 80 m off, list nothing of it.
    expect((await nearby({ ...a.at, category: 'sampah' })).body.incidents.map((i: { id: string }) => i.id)).not.toContain(a.incidentId)
    expect((await nearby({ ...north(a.at, 80), category: 'jalan_rusak' })).body.incidents.map((i: { id: string }) => i.id)).not.toContain(a.incidentId)
  })

  it('leaves out closed incidents', async () => {
    const a = await pothole()
    expect((await move(a.incidentId, { to: 'rejected', reason: 'bukan jalan kabupaten' })).status).toBe(200)
    expect((await nearby({ ...a.at, category: 'jalan_rusak' })).body.incidents.map((i: { id: string }) => i.id)).not.toContain(a.incidentId)
  })

  it('reveals no reporter, words, report ids or photos, and lists at most five', async () => {
    const a = await pothole()
    // Seven more incidents of the kind within 10 m (each report its own ticket, as without matching).
    useIntakeMode('one_per_report')
    try {
      for (let i = 1; i <= 7; i++) expect((await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: `${WHO.words} ${i}`, location: north(a.at, i), reporter: { name: WHO.name } }))).status).toBe(201)
    } finally {
      useIntakeMode('matched')
    }
    const res = await t.app.request(`/api/lapor/nearby?lat=${a.at.lat}&lon=${a.at.lon}&category=jalan_rusak`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { incidents: Record<string, unknown>[] }
    expect(body.incidents).toHaveLength(5)
    expect(body.incidents[0]!.id).toBe(a.incidentId)
    const text = JSON.stringify(body)
    for (const secret of [WHO.name, WHO.phone, '11112222', WHO.words, a.reportId, 'reporter', 'description', 'photo']) expect(text).not.toContain(secret)
    expect(Object.keys(body.incidents[0]!).sort()).toEqual(
      ['category', 'distance_m', 'first_reported_at', 'id', 'kelurahan', 'last_reported_at', 'location', 'report_count', 'status', 'status_label', 'status_label_en'].sort(),
    )
  })

  it('refuses bad input with 422 naming the field', async () => {
    const at = spotIn(ALFA)
    const cases: [Record<string, string | number>, string][] = [
      [{ lat: 'abc', lon: at.lon, category: 'jalan_rusak' }, 'lat'],
      [{ lat: 91, lon: at.lon, category: 'jalan_rusak' }, 'lat'],
      [{ lat: at.lat, lon: '', category: 'jalan_rusak' }, 'lon'],
      [{ lat: at.lat, lon: at.lon }, 'category'],
      [{ lat: at.lat, lon: at.lon, category: 'tidak_ada' }, 'category'],
    ]
    for (const [q, field] of cases) {
      const r = await nearby(q)
      expect(r.status, JSON.stringify(q)).toBe(422)
      expect(r.body.error.issues.map((i: { field: string }) => i.field)).toContain(field)
    }
  })
})

describe('"saya juga": joining an open incident nearby', () => {
  it('records a report joined to the incident, counted like any report, and its reporter is told of changes', async () => {
    const a = await pothole()
    const joiner = { phone: '081255556666', notify: true }
    const r = await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: 'Saya juga', location: north(a.at, 40), incident_id: a.incidentId, reporter: joiner }))
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ incident_id: a.incidentId, incident_new: false, status_path: expect.stringMatching(/^\/status\//) })
    const inc = await t.json('GET', `/api/incidents/${a.incidentId}`, undefined, operator)
    expect(inc.body.report_count).toBe(2)
    expect(inc.body.channels).toEqual(['web'])
    // The joiner's status link shows the incident's state and moves.
    expect((await move(a.incidentId, { to: 'verified' })).status).toBe(200)
    const [path, k] = (r.body.status_path as string).split('?k=')
    const status = await t.json('GET', `/api/status/${path!.split('/')[2]}?k=${k}`)
    expect(status.body.tickets[0].status).toBe('verified')
    expect(status.body.tickets[0].history.map((h: { status: string }) => h.status)).toContain('verified')
    // And they get the status message, as every consenting reporter of the incident does.
    const queued = await notifyStatusChanges(t.deps, [{ seq: 1, type: 'ticket.transitioned', data: { ticket: { id: a.incidentId }, from: 'new', to: 'verified' }, created_at: new Date(), audience: 'place', region_codes: [], agency_codes: [] }])
    expect(queued).toBe(1)
    const msg = await t.db.db.selectFrom('outbox_messages').select('body').where('recipient', '=', '6281255556666').execute()
    expect(msg.map((m) => m.body).join()).toContain('sudah diverifikasi')
  })

  it('a retried "saya juga" is one report', async () => {
    const a = await pothole()
    const body = reportInput({ channel: 'web', category: 'jalan_rusak', description: 'Saya juga, lubangnya makin besar', location: a.at, incident_id: a.incidentId })
    expect((await post(body, { 'idempotency-key': 'saya-juga-retry' })).status).toBe(201)
    const again = await post(body, { 'idempotency-key': 'saya-juga-retry' })
    expect(again.status).toBe(200)
    expect(again.body.duplicate).toBe(true)
    expect(await reportsOf(a.incidentId)).toBe(2)
  })

  it('refuses an incident farther than the matching radius, and stores nothing', async () => {
    const a = await pothole()
    const before = await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const r = await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: 'Saya juga', location: north(a.at, 500), incident_id: a.incidentId }))
    expect(r.status).toBe(422)
    expect(r.body.error.issues[0]).toMatchObject({ field: 'incident_id', message: expect.stringContaining('50 m') })
    const after = await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    expect(await reportsOf(a.incidentId)).toBe(1)
    // An operator attaching a call (the caller's point is vague) may still do so.
    expect((await post(reportInput({ channel: 'call_center', category: 'jalan_rusak', description: 'Penelepon: lubang yang sama', location: north(a.at, 500), incident_id: a.incidentId }), operator)).status).toBe(201)
  })

  it('refuses a closed incident, and stores nothing', async () => {
    const a = await pothole()
    expect((await move(a.incidentId, { to: 'rejected', reason: 'sudah diperbaiki' })).status).toBe(200)
    const r = await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: 'Saya juga', location: a.at, incident_id: a.incidentId }))
    expect(r.status).toBe(422)
    expect(r.body.error.issues[0].field).toBe('incident_id')
    expect(await reportsOf(a.incidentId)).toBe(1)
  })

  it('refuses an incident of another kind and a malformed id', async () => {
    const a = await pothole()
    const other = await post(reportInput({ channel: 'web', category: 'sampah', description: 'Saya juga', location: a.at, incident_id: a.incidentId }))
    expect(other.status).toBe(422)
    expect(other.body.error.issues[0].field).toBe('incident_id')
    const bad = await post(reportInput({ channel: 'web', category: 'jalan_rusak', description: 'Saya juga', location: a.at, incident_id: 'not-an-id' as unknown as string }))
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('incident_id')
  })
})

describe('the nearby look-up is rate limited', () => {
  it(`answers 429 with Retry-After after ${NEARBY_PER_MINUTE} look-ups a minute from one address`, async () => {
    const own = await createTestApp({ db: t.db })
    try {
      const at = spotIn(ALFA)
      const url = `/api/lapor/nearby?lat=${at.lat}&lon=${at.lon}&category=jalan_rusak`
      for (let i = 0; i < NEARBY_PER_MINUTE; i++) expect((await own.app.request(url)).status).toBe(200)
      const over = await own.app.request(url)
      expect(over.status).toBe(429)
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await own.close()
    }
  })
})
