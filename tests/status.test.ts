import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { statusLinkPath } from '../server/status/status.service.js'
import { FREE_MISSES } from '../server/status/status.throttle.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'
import { ALFA, spotIn } from './helpers/tickets.js'

/**
 * A citizen follows a report by the 8-character ticket number they were given (or their own
 * link): the ticket's state, never who reported it, what they wrote or where exactly.
 */
let t: TestApp
let operator: Record<string, string>
const KEY = 'status-test-key'

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_OPEN311_API_KEYS: `warga:${KEY}` }) })
  await seedTwoKelurahan(t.db.db)
  operator = (await signIn(t, 'operator')).headers
})
afterAll(() => t.close())

const SECRET_BITS = { name: 'Siti Rahayu Pelapor', phone: '+6281299887766', words: 'Rumah Pak Harjo nomor 12 kebanjiran' }

async function privateReport() {
  const res = await t.json(
    'POST',
    '/api/reports',
    reportInput({
      channel: 'whatsapp',
      external_id: `wamid.${Math.random()}`,
      description: SECRET_BITS.words,
      location: spotIn(ALFA),
      reporter: { name: SECRET_BITS.name, phone: SECRET_BITS.phone, private: true },
    }),
  )
  expect(res.status).toBe(201)
  const id = res.body.id as string
  return { reportId: id, incidentId: res.body.incident_id as string, number: id.slice(0, 8).toUpperCase() }
}

const page = async (path: string) => {
  const res = await t.app.request(path)
  return { status: res.status, text: await res.text(), headers: res.headers }
}
const leaks = (text: string, r: { reportId: string; incidentId: string }) =>
  [SECRET_BITS.name, SECRET_BITS.phone, '81299887766', SECRET_BITS.words, r.reportId, r.incidentId, '-6.20', '106.8'].filter((s) => text.includes(s))

describe('the public status of a ticket number', () => {
  it('answers the state, category, kelurahan and agency of a private report, and nothing about its reporter', async () => {
    const r = await privateReport()
    const api = await t.json('GET', `/api/status/${r.number}`)
    expect(api.status).toBe(200)
    expect(api.body.tickets).toHaveLength(1)
    expect(api.body.tickets[0]).toMatchObject({ ticket_number: r.number, status: 'new', category: expect.any(String), kelurahan: 'Alfa', agency: expect.any(String) })
    expect(api.body.tickets[0].rating_url).toBeUndefined()
    expect(api.body.tickets[0].red).toBe(false)
    expect(leaks(JSON.stringify(api.body), r)).toEqual([])
    // The number as typed, in lower case, works too.
    expect((await t.json('GET', `/api/status/${r.number.toLowerCase()}`)).body.tickets[0].ticket_number).toBe(r.number)

    const html = await page(`/status/${r.number}`)
    expect(html.status).toBe(200)
    expect(html.headers.get('content-type')).toContain('text/html')
    expect(html.text).toContain('Diterima, menunggu verifikasi')
    expect(html.text).toContain(r.number)
    expect(leaks(html.text, r)).toEqual([])
  })

  it('refuses malformed numbers and says when a number is unknown, without a 500', async () => {
    const bad = await t.json('GET', '/api/status/9CFB352')
    expect(bad.status).toBe(422)
    expect(bad.body.error.issues[0].field).toBe('number')
    expect((await t.json('GET', "/api/status/'%20OR%201=1")).status).toBe(422)
    expect((await t.json('GET', '/api/status/00000000')).status).toBe(404)
    expect((await t.json('GET', '/api/status/ABCDEF12?k=%3Cscript%3E')).status).toBe(422)
    expect((await page('/status/zzzzzzzz')).status).toBe(400)
    const unknown = await page('/status/00000000')
    expect(unknown.status).toBe(404)
    expect(unknown.text).toContain('tidak ditemukan')
    const form = await page('/status')
    expect(form.status).toBe(200)
    expect(form.text).toContain('name="nomor"')
    const go = await page('/status?nomor=9cfb352b')
    expect(go.status).toBe(302)
    expect(go.headers.get('location')).toBe('/status/9CFB352B')
    expect((await page('/status?nomor=%3Cb%3Ex')).text).not.toContain('<b>x')
  })

  it('follows the ticket as it moves; the rating link shows only through the reporter\'s own link once resolved', async () => {
    const r = await privateReport()
    await t.json('POST', `/api/tickets/${r.incidentId}/transition`, { to: 'dispatched', note: `Hubungi ${SECRET_BITS.name}` }, operator)
    let s = (await t.json('GET', `/api/status/${r.number}`)).body.tickets[0]
    expect(s.status).toBe('dispatched')
    expect(s.history.map((h: { status: string }) => h.status)).toEqual(['new', 'dispatched'])
    expect(s.responded_at).not.toBeNull()
    await t.json('POST', `/api/tickets/${r.incidentId}/transition`, { to: 'resolved', note: `Sudah ditangani, terima kasih ${SECRET_BITS.name}` }, operator)

    const byNumber = await t.json('GET', `/api/status/${r.number}`)
    s = byNumber.body.tickets[0]
    expect(s).toMatchObject({ status: 'resolved', status_label: 'Selesai ditangani' })
    expect(s.rating_url).toBeUndefined()
    expect(leaks(JSON.stringify(byNumber.body), r)).toEqual([])
    expect((await t.json('GET', `/api/status/${r.number}?k=AAAAAAAAAAAAAAAAAAAAAA`)).body.tickets[0].rating_url).toBeUndefined()

    const link = await statusLinkPath(t.db.db, r.reportId)
    expect(link).toMatch(new RegExp(`^/status/${r.number}\\?k=[A-Za-z0-9_-]{22}$`))
    const own = await t.json('GET', `/api${link}`)
    expect(own.body.tickets[0].rating_url).toMatch(/^\/nilai\/[A-Za-z0-9_-]+$/)
    const token = own.body.tickets[0].rating_url.split('/').pop()
    expect((await t.json('GET', `/api/ratings/${token}`)).status).toBe(200)
    const html = await page(link)
    expect(html.text).toContain('Beri penilaian layanan')
    expect(leaks(html.text, r)).toEqual([])
  })
})

describe('six days without a response', () => {
  it('shows the ticket red on its status page', async () => {
    const r = await privateReport()
    await sql`UPDATE incidents SET created_at = now() - interval '7 days', status_changed_at = now() - interval '7 days' WHERE id = ${r.incidentId}::uuid`.execute(t.db.db)
    expect((await t.json('GET', `/api/status/${r.number}`)).body.tickets[0].red).toBe(true)
    expect((await page(`/status/${r.number}`)).text).toContain('Belum ada tanggapan lebih dari 6 hari')
  })
})

describe('the command room\'s own states and late tickets', () => {
  it('names a ticket waiting for its reporter in words, and judges late by the one rule (a pause stops the clock)', async () => {
    const r = await privateReport()
    const asked = await t.json('POST', `/api/tickets/${r.incidentId}/transition`, { to: 'waiting_reporter', from: 'new', reason: 'Mohon kirim foto lokasi' }, operator)
    expect(asked.status).toBe(200)
    // Due long ago, but paused before it was due: not late, as on every staff screen.
    await sql`UPDATE incidents SET resolve_due_at = now() - interval '1 hour', paused_at = now() - interval '2 hours' WHERE id = ${r.incidentId}::uuid`.execute(t.db.db)
    let s = (await t.json('GET', `/api/status/${r.number}`)).body.tickets[0]
    expect(s).toMatchObject({ status: 'waiting_reporter', status_label: 'Menunggu keterangan dari pelapor', late: false })
    expect((await page(`/status/${r.number}`)).text).not.toContain('Melewati batas waktu')
    await sql`UPDATE incidents SET paused_at = NULL WHERE id = ${r.incidentId}::uuid`.execute(t.db.db)
    s = (await t.json('GET', `/api/status/${r.number}`)).body.tickets[0]
    expect(s.late).toBe(true)
    expect((await page(`/status/${r.number}`)).text).toContain('Melewati batas waktu penyelesaian')
  })
})

describe('Open311 by ticket number', () => {
  it('finds a request by the number the citizen was given, and tells its state and update time', async () => {
    const post = await t.app.request('/open311/v2/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ api_key: KEY, service_code: 'jalan_rusak', lat: '-6.2075', long: '106.8415', description: 'Lubang', first_name: 'Budi', phone: '081234567890' }).toString(),
    })
    expect(post.status).toBe(201)
    const [{ service_request_id: id, service_notice }] = (await post.json()) as [{ service_request_id: string; service_notice: string }]
    const number = id.slice(0, 8).toUpperCase()
    expect(service_notice).toContain(`/status/${number}`)

    const one = await t.app.request(`/open311/v2/requests/${number}.json`)
    expect(one.status).toBe(200)
    const [req] = (await one.json()) as { service_request_id: string; status: string; status_notes: string; updated_datetime: string }[]
    expect(req).toMatchObject({ service_request_id: id, status: 'open' })
    expect(req!.status_notes).toContain('menunggu verifikasi')
    expect(JSON.stringify(req)).not.toContain('Budi')
    expect(JSON.stringify(req)).not.toContain('081234567890')

    const list = await t.app.request(`/open311/v2/requests.json?service_request_id=${number.toLowerCase()},${id}`)
    expect(((await list.json()) as { service_request_id: string }[]).map((x) => x.service_request_id)).toEqual([id])

    const ticket = (await t.db.db.selectFrom('reports').select('incident_id').where('id', '=', id).executeTakeFirstOrThrow()).incident_id!
    await new Promise((r) => setTimeout(r, 1100)) // Open311 times are to the second
    await t.json('POST', `/api/tickets/${ticket}/transition`, { to: 'rejected', reason: 'Laporan ganda' }, operator)
    const after = ((await (await t.app.request(`/open311/v2/requests/${number}.xml`)).text()))
    expect(after).toContain('<status>closed</status>')
    expect(after).toContain('Ditolak')
    const [upd] = (await (await t.app.request(`/open311/v2/requests/${number}.json`)).json()) as { updated_datetime: string }[]
    expect(Date.parse(upd!.updated_datetime)).toBeGreaterThan(Date.parse(req!.updated_datetime))

    expect((await t.app.request('/open311/v2/requests/00000000.json')).status).toBe(404)
  })
})

describe('walking ticket numbers', () => {
  it('makes an address that tries many unknown numbers wait, on the page and the API alike, and only that address', async () => {
    const from = (address: string, path: string) => t.app.request(path, {}, { incoming: { socket: { remoteAddress: address } } })
    const known = await privateReport()
    expect((await from('198.51.100.20', `/status/${known.number}`)).status).toBe(200)
    for (let i = 0; i < FREE_MISSES; i++) {
      const n = (0x10000000 + i).toString(16).toUpperCase()
      const res = await from('198.51.100.20', i % 2 ? `/api/status/${n}` : `/status/${n}`)
      expect(res.status).toBe(404)
    }
    const held = await from('198.51.100.20', `/api/status/${known.number}`)
    expect(held.status).toBe(429)
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await held.json()).error.code).toBe('too_many_lookups')
    const page = await from('198.51.100.20', `/status/${known.number}`)
    expect(page.status).toBe(429)
    expect(await page.text()).toContain('Coba lagi dalam')
    // A citizen elsewhere, and the known number, are not held.
    expect((await from('198.51.100.21', `/status/${known.number}`)).status).toBe(200)
  })
})
