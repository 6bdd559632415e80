import { XMLParser } from 'fast-xml-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, testConfig, type TestApp } from './helpers/app.js'
import { seedTwoKelurahan } from './helpers/factories.js'

// GeoReport v2 (wiki.open311.org/GeoReport_v2): the field names of the spec's examples.
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible',
  'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode',
  'lat', 'long', 'media_url',
]
const KEY = 'test-key-123'

let t: TestApp
const xml = new XMLParser({ isArray: (name) => ['service', 'request', 'error', 'attribute', 'value'].includes(name) })

async function post(body: Record<string, string>, ext = 'json', headers: Record<string, string> = {}) {
  const res = await t.app.request(`/open311/v2/requests.${ext}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  })
  const text = await res.text()
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, body: ext === 'json' ? JSON.parse(text) : xml.parse(text) }
}
async function get(path: string) {
  const res = await t.app.request(path)
  const text = await res.text()
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: path.includes('.xml') ? xml.parse(text) : JSON.parse(text) }
}

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_OPEN311_API_KEYS: `acme:${KEY}` }) })
  await seedTwoKelurahan(t.db.db)
})
afterAll(() => t.close())

describe('Open311 services', () => {
  it('lists our categories as services with the spec fields, in JSON and XML', async () => {
    const j = await get('/open311/v2/services.json')
    expect(j.status).toBe(200)
    const active = (await t.deps.categories.all()).filter((c) => c.active)
    expect(j.body.map((s: { service_code: string }) => s.service_code).sort()).toEqual(active.map((c) => c.code).sort())
    const banjir = j.body.find((s: { service_code: string }) => s.service_code === 'banjir')
    expect(Object.keys(banjir).sort()).toEqual([...SERVICE_FIELDS].sort())
    expect(banjir).toMatchObject({ service_name: 'Banjir / genangan', type: 'realtime', metadata: true, group: 'bencana' })
    const x = await get('/open311/v2/services.xml')
    expect(x.type).toContain('text/xml')
    expect(x.body.services.service).toHaveLength(active.length)
    expect(x.body.services.service.find((s: { service_code: string }) => s.service_code === 'banjir').service_name).toBe('Banjir / genangan')
  })

  it('answers a service definition, and the spec error list for an unknown code', async () => {
    const d = await get('/open311/v2/services/jalan_rusak.json')
    expect(d.status).toBe(200)
    expect(d.body.service_code).toBe('jalan_rusak')
    expect(d.body.attributes[0]).toMatchObject({ code: 'private', datatype: 'singlevaluelist', variable: true, order: 1 })
    const dx = await get('/open311/v2/services/jalan_rusak.xml')
    expect(dx.body.service_definition.attributes.attribute[0].values.value).toHaveLength(2)
    const missing = await get('/open311/v2/services/ufo.json')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual([{ code: 404, description: expect.stringContaining('ufo') }])
  })
})

describe('Open311 POST requests', () => {
  it('stores a form-encoded request and answers [{service_request_id, service_notice, account_id}]', async () => {
    const r = await post({
      api_key: KEY, service_code: 'jalan_rusak', lat: '-6.2', long: '106.855', description: 'Lubang besar di jalan',
      first_name: 'Siti', last_name: 'Aminah', phone: '+62 812 3456 7890', account_id: 'acc-9', 'attribute[private]': 'true',
    })
    expect(r.status).toBe(201)
    expect(r.body).toHaveLength(1)
    expect(Object.keys(r.body[0]).sort()).toEqual(['account_id', 'service_notice', 'service_request_id'])
    expect(r.body[0].account_id).toBe('acc-9')
    const stored = await t.db.db.selectFrom('reports').selectAll().where('id', '=', r.body[0].service_request_id).executeTakeFirstOrThrow()
    expect(stored).toMatchObject({ channel: 'open311', category_code: 'jalan_rusak', region_code: '31.71.01.1002', reporter_name: 'Siti Aminah', reporter_private: true })

    // The request reads back with the spec's fields and no reporter identity.
    const one = await get(`/open311/v2/requests/${r.body[0].service_request_id}.json`)
    expect(one.status).toBe(200)
    expect(Object.keys(one.body[0]).sort()).toEqual([...REQUEST_FIELDS].sort())
    expect(one.body[0]).toMatchObject({ status: 'open', service_code: 'jalan_rusak', lat: -6.2, long: 106.855, address: 'Beta', address_id: '31.71.01.1002' })
    expect(one.body[0].requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/)
    expect(JSON.stringify(one.body)).not.toMatch(/Siti|Aminah|3456/)
  })

  it('stores a retried POST once', async () => {
    const body = { api_key: KEY, service_code: 'sampah', lat: '-6.2', long: '106.845', description: 'Sampah menumpuk', device_id: 'dev-1' }
    const a = await post(body)
    const b = await post(body)
    expect(a.status).toBe(201)
    expect(b.status).toBe(200)
    expect(b.body[0].service_request_id).toBe(a.body[0].service_request_id)
    const c = await post(body, 'json', { 'idempotency-key': 'k-1' })
    const d = await post(body, 'json', { 'idempotency-key': 'k-1' })
    expect(d.status).toBe(200)
    expect(d.body[0].service_request_id).toBe(c.body[0].service_request_id)
  })

  it('takes JSON bodies and an address_string located by region name', async () => {
    const res = await t.app.request('/open311/v2/requests.json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: KEY, service_code: 'banjir', address_string: 'Jl. Kenanga 5, Kelurahan Alfa', description: 'Genangan' }),
    })
    expect(res.status).toBe(201)
    const [created] = (await res.json()) as { service_request_id: string }[]
    const row = await t.db.db.selectFrom('reports').selectAll().where('id', '=', created!.service_request_id).executeTakeFirstOrThrow()
    expect(row.region_code).toBe('31.71.01.1001')
  })

  it('answers in XML with the spec elements', async () => {
    const r = await post({ api_key: KEY, service_code: 'kebakaran', lat: '-6.2', long: '106.845', description: 'Asap tebal' }, 'xml')
    expect(r.status).toBe(201)
    expect(r.type).toContain('text/xml')
    expect(r.text.startsWith('<?xml')).toBe(true)
    expect(r.body.service_requests.request[0].service_request_id).toMatch(/^[0-9a-f-]{36}$/)
  })

  const bad: [string, Record<string, string>, number, RegExp][] = [
    ['no api_key', { service_code: 'banjir', lat: '-6.2', long: '106.85' }, 403, /api_key/],
    ['a wrong api_key', { api_key: 'nope', service_code: 'banjir', lat: '-6.2', long: '106.85' }, 403, /api_key/],
    ['no location', { api_key: KEY, service_code: 'banjir' }, 400, /location/],
    ['lat without long', { api_key: KEY, service_code: 'banjir', lat: '-6.2' }, 400, /long/],
    ['an unknown service_code', { api_key: KEY, service_code: 'ufo', lat: '-6.2', long: '106.85' }, 404, /service_code/],
    ['an address nobody knows', { api_key: KEY, service_code: 'banjir', address_string: 'Atlantis' }, 400, /address/],
    ['lat out of range', { api_key: KEY, service_code: 'banjir', lat: '95', long: '106.85' }, 400, /lat/],
    ['a body over SIGAP_MAX_BODY_BYTES', { api_key: KEY, service_code: 'banjir', lat: '-6.2', long: '106.85', description: 'x'.repeat(70_000) }, 413, /larger than 65536 bytes/],
  ]
  it.each(bad)('refuses %s with the spec error list and stores nothing', async (_what, body, status, re) => {
    const before = await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const r = await post(body)
    expect(r.status).toBe(status)
    expect(r.body).toEqual([{ code: status, description: expect.stringMatching(re) }])
    const after = await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('answers errors in XML for .xml paths', async () => {
    const r = await post({ api_key: 'nope', service_code: 'banjir', lat: '-6.2', long: '106.85' }, 'xml')
    expect(r.status).toBe(403)
    expect(r.body.errors.error[0]).toEqual({ code: 403, description: 'Invalid api_key' })
  })
})

describe('Open311 GET requests', () => {
  it('filters by service_request_id, service_code, dates and status; maps ticket states to open/closed', async () => {
    const a = await post({ api_key: KEY, service_code: 'longsor', lat: '-6.2', long: '106.845', description: 'Tebing longsor A' })
    const b = await post({ api_key: KEY, service_code: 'longsor', lat: '-6.195', long: '106.845', description: 'Tebing longsor B' })
    const idA = a.body[0].service_request_id as string
    const idB = b.body[0].service_request_id as string

    const both = await get(`/open311/v2/requests.json?service_request_id=${idA},${idB}`)
    expect(both.body.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([idA, idB].sort())

    const byCode = await get('/open311/v2/requests.json?service_code=longsor')
    expect(byCode.body.every((r: { service_code: string }) => r.service_code === 'longsor')).toBe(true)
    expect(byCode.body.length).toBeGreaterThanOrEqual(2)

    // B's ticket is resolved (as the tickets module will do): it reads as closed.
    const inc = await t.db.db
      .insertInto('incidents')
      .values({ category_code: 'longsor', status: 'resolved', location: 'SRID=4326;POINT(106.845 -6.195)', first_reported_at: new Date(), last_reported_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db.db.updateTable('reports').set({ incident_id: inc.id }).where('id', '=', idB).execute()
    const closed = await get('/open311/v2/requests.json?service_code=longsor&status=closed')
    expect(closed.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([idB])
    expect(closed.body[0].status).toBe('closed')
    const open = await get('/open311/v2/requests.json?service_code=longsor&status=open')
    expect(open.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([idA])

    // A's ticket is routed to an agency with a due time: the spec's agency_responsible and expected_datetime.
    const due = new Date('2030-01-02T03:04:05Z')
    const incA = await t.db.db
      .insertInto('incidents')
      .values({ category_code: 'longsor', agency_code: 'bpbd', resolve_due_at: due, location: 'SRID=4326;POINT(106.845 -6.2)', first_reported_at: new Date(), last_reported_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db.db.updateTable('reports').set({ incident_id: incA.id }).where('id', '=', idA).execute()
    const routed = await get(`/open311/v2/requests/${idA}.json`)
    expect(routed.body[0]).toMatchObject({ status: 'open', agency_responsible: expect.stringContaining('Penanggulangan Bencana'), expected_datetime: '2030-01-02T10:04:05+07:00' })

    const future = await get(`/open311/v2/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)
    expect(future.body).toEqual([])
    const past = await get('/open311/v2/requests.json?end_date=2001-01-01T00:00:00Z')
    expect(past.body).toEqual([])

    const x = await get(`/open311/v2/requests.xml?service_request_id=${idA}`)
    expect(x.body.service_requests.request[0]).toMatchObject({ service_request_id: idA, status: 'open', service_code: 'longsor' })
  })

  it('refuses bad filters and answers 404 for an unknown request', async () => {
    const bad = await get('/open311/v2/requests.json?status=pending')
    expect(bad.status).toBe(400)
    expect(bad.body[0].code).toBe(400)
    const date = await get('/open311/v2/requests.json?start_date=yesterday')
    expect(date.status).toBe(400)
    const none = await get('/open311/v2/requests/00000000-0000-0000-0000-000000000000.json')
    expect(none.status).toBe(404)
    expect(none.body).toEqual([{ code: 404, description: expect.any(String) }])
    const ext = await get('/open311/v2/requests/abc.html')
    expect(ext.status).toBe(404)
  })
})
