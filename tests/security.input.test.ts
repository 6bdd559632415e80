import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { errorResponse } from '../server/http/errors.js'
import { importExport } from '../server/imports/import.service.js'
import { ImportError, importRegions, readRegionsFile } from '../server/regions/region.import.js'
import { signBody } from '../server/whatsapp/whatsapp.signature.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan, squareRegion } from './helpers/factories.js'

// Issue 17, input and data loss: each item as a user meets it.

const KEY = 'o311-key'
const SECRET = 'wa-secret'
let t: TestApp
let dir: string

beforeAll(async () => {
  t = await createTestApp({
    config: testConfig({ SIGAP_OPEN311_API_KEYS: `acme:${KEY},other:${KEY}-2`, SIGAP_WHATSAPP_APP_SECRET: SECRET, SIGAP_WHATSAPP_VERIFY_TOKEN: 'v' }),
  })
  await seedTwoKelurahan(t.db.db)
  dir = mkdtempSync(join(tmpdir(), 'sigap-secin-'))
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

const countReports = async () => Number((await t.db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
const stored = (id: string) => t.db.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
async function open311(body: string, headers: Record<string, string> = {}, type = 'application/x-www-form-urlencoded') {
  const res = await t.app.request('/open311/v2/requests.json', { method: 'POST', headers: { 'content-type': type, ...headers }, body })
  return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}
async function get(path: string) {
  const res = await t.app.request(path)
  return { status: res.status, body: (await res.json()) as any } // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field
}

describe('Idempotency-Key', () => {
  it('keeps a report sent by another client or channel under the same key, instead of answering with the first', async () => {
    const fire = await t.json('POST', '/api/reports', reportInput({ category: 'kebakaran', description: 'Api di gudang' }), { 'idempotency-key': 'same-key' })
    const rubbish = await t.json('POST', '/api/reports', reportInput({ channel: 'web', category: 'sampah', description: 'Sampah' }), { 'idempotency-key': 'same-key' })
    expect(fire.status).toBe(201)
    expect(rubbish.status).toBe(201)
    expect(rubbish.body.id).not.toBe(fire.body.id)
    expect((await stored(rubbish.body.id)).category_code).toBe('sampah')
    expect((await stored(fire.body.id)).category_code).toBe('kebakaran')
    // Two signed-in operators on the same channel who pick the same key: two reports.
    const a = await signIn(t, 'operator')
    const b = await signIn(t, 'operator')
    const ra = await t.json('POST', '/api/reports', reportInput({ channel: 'call_center', description: 'Panggilan A' }), { ...a.headers, 'idempotency-key': 'call-1' })
    const rb = await t.json('POST', '/api/reports', reportInput({ channel: 'call_center', description: 'Panggilan B' }), { ...b.headers, 'idempotency-key': 'call-1' })
    expect([ra.status, rb.status]).toEqual([201, 201])
    expect((await stored(rb.body.id)).description).toBe('Panggilan B')
  })

  it('refuses the same key with other content from the same client with 409, storing nothing; the same request again is a replay', async () => {
    const body = reportInput({ category: 'kebakaran', description: 'Rumah terbakar' })
    const first = await t.json('POST', '/api/reports', body, { 'idempotency-key': 'k-409' })
    expect(first.status).toBe(201)
    const before = await countReports()
    const other = await t.json('POST', '/api/reports', { ...body, category: 'sampah', description: 'Sampah menumpuk' }, { 'idempotency-key': 'k-409' })
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('idempotency_key_reused')
    expect(other.body.error.message).toMatch(/Idempotency-Key was already used for a different report/)
    expect(other.body.error.issues.map((i: { field: string }) => i.field).sort()).toEqual(['category', 'description'])
    expect(await countReports()).toBe(before)
    expect((await stored(first.body.id)).category_code).toBe('kebakaran')
    const replay = await t.json('POST', '/api/reports', body, { 'idempotency-key': 'k-409' })
    expect(replay.status).toBe(200)
    expect(replay.body).toMatchObject({ id: first.body.id, duplicate: true })
    expect(await countReports()).toBe(before)
  })

  it('Open311: same key with another request is 409, the same request a replay, and clients do not share keys', async () => {
    const req = `api_key=${KEY}&service_code=kebakaran&lat=-6.2&long=106.845&description=Asap+tebal`
    const first = await open311(req, { 'idempotency-key': 'o-1' })
    expect(first.status).toBe(201)
    const again = await open311(req, { 'idempotency-key': 'o-1' })
    expect(again.status).toBe(200)
    expect(again.body[0].service_request_id).toBe(first.body[0].service_request_id)
    const other = await open311(`api_key=${KEY}&service_code=sampah&lat=-6.2&long=106.845&description=Sampah`, { 'idempotency-key': 'o-1' })
    expect(other.status).toBe(409)
    expect(other.body[0].description).toMatch(/Idempotency-Key/)
    const otherClient = await open311(`api_key=${KEY}-2&service_code=sampah&lat=-6.2&long=106.845&description=Sampah`, { 'idempotency-key': 'o-1' })
    expect(otherClient.status).toBe(201)
    expect((await stored(otherClient.body[0].service_request_id)).category_code).toBe('sampah')
  })
})

describe('NUL and unpaired surrogates', () => {
  const raw = (desc: string) => `{"channel":"app","category":"jalan_rusak","description":"${desc}","location":{"lat":-6.2,"lon":106.85}}`
  it.each([
    ['description', raw('a\\u0000b'), 'description'],
    ['description (lone high surrogate)', raw('a\\ud800b'), 'description'],
    ['description (lone low surrogate)', raw('a\\udc00b'), 'description'],
    ['reporter.name', JSON.stringify(reportInput({ reporter: { name: 'Budi\u0000' } })), 'reporter.name'],
    ['claimed_region', JSON.stringify(reportInput({ claimed_region: 'Alfa\u0000' })), 'claimed_region'],
    ['external_id', JSON.stringify(reportInput({ external_id: 'x\u0000' })), 'external_id'],
    ['category', JSON.stringify(reportInput({ category: 'sampah\u0000' })), 'category'],
  ])('POST /api/reports refuses one in %s with 400 naming it, storing nothing', async (_what, body, field) => {
    const before = await countReports()
    const res = await t.json('POST', '/api/reports', body)
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('invalid_text')
    expect(res.body.error.issues[0].field).toBe(field)
    expect(await countReports()).toBe(before)
  })

  it('keeps a WhatsApp message holding one (cleaned), answers 200 to the delivery and its retry, and stores the other sender too', async () => {
    const now = String(Math.floor(Date.now() / 1000))
    const msgs = (from: string, text: string, n: string) => [
      { from, id: `wamid.nul-${n}-1`, timestamp: now, type: 'text', text: { body: text } },
      { from, id: `wamid.nul-${n}-2`, timestamp: now, type: 'location', location: { latitude: -6.2, longitude: 106.845 } },
    ]
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        { id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, contacts: [{ wa_id: '6281700001', profile: { name: 'Warga\u0000' } }], messages: msgs('6281700001', 'Pohon tumbang \u0000 di jalan \ud83d', 'a') } }] },
        { id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, contacts: [{ wa_id: '6281700002', profile: { name: 'Dua' } }], messages: msgs('6281700002', 'Lampu jalan mati', 'b') } }] },
      ],
    })
    const post = () => t.app.request('/webhooks/whatsapp', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, SECRET) }, body })
    expect((await post()).status).toBe(200)
    expect((await post()).status).toBe(200)
    const rows = await t.db.db.selectFrom('reports').selectAll().where('channel', '=', 'whatsapp').orderBy('reporter_phone').execute()
    expect(rows.map((r) => r.reporter_phone)).toEqual(['+6281700001', '+6281700002'])
    expect(rows[0]!.description).toBe('Pohon tumbang  di jalan \uFFFD')
    expect(rows[0]!.reporter_name).toBe('Warga')
    expect(rows[1]!.description).toBe('Lampu jalan mati')
  })

  it('imports every LAPOR row, the one holding a NUL cleaned, and the rows after it too', async () => {
    const file = join(dir, 'nul.csv')
    writeFileSync(
      file,
      'No Tiket,Judul,Isi Laporan,Kategori,Latitude,Longitude,Nama Pelapor\n' +
        'NUL-1,Jalan rusak,Lubang besar,,-6.2,106.845,Ani\n' +
        'NUL-2,Sampah\u0000,Tumpukan \ud800 sampah,,-6.2,106.845,Budi\u0000\n' +
        'NUL-3,Banjir,Air setinggi lutut,,-6.2,106.845,Citra\n',
    )
    const res = await importExport(t.deps, file)
    expect(res).toMatchObject({ imported: 3, rejected: [] })
    const rows = await t.db.db.selectFrom('reports').selectAll().where('channel', '=', 'lapor').where('external_id', 'like', 'NUL-%').orderBy('external_id').execute()
    expect(rows.map((r) => r.external_id)).toEqual(['NUL-1', 'NUL-2', 'NUL-3'])
    expect(rows[1]).toMatchObject({ description: 'Sampah\nTumpukan \uFFFD sampah', reporter_name: 'Budi' })
  })

  it('Open311 refuses description=a%00b with 400 naming the field', async () => {
    const before = await countReports()
    const res = await open311(`api_key=${KEY}&service_code=sampah&lat=-6.2&long=106.845&description=a%00b`)
    expect(res.status).toBe(400)
    expect(res.body[0].description).toMatch(/^description must not contain the NUL character/)
    expect(await countReports()).toBe(before)
  })

  it.each(['/api/incidents?category=%00', '/api/incidents?region=%00', '/api/tickets?category=%00', '/api/tickets?region=%00', '/api/stats/response?category=%00', '/api/stats/response?region=%00'])(
    'GET %s is 400 naming the parameter',
    async (path) => {
      const op = await signIn(t, 'operator')
      const res = await t.json('GET', path, undefined, op.headers)
      expect(res.status).toBe(400)
      expect(res.body.error.issues[0].field).toBe(path.includes('category') ? 'category' : 'region')
    },
  )
})

describe('the last safety net', () => {
  it.each([
    ['a NUL the database refuses', (db: TestApp['db']['db']) => sql`SELECT ${'a\u0000b'}::text`.execute(db)],
    ['a NUL inside jsonb', (db: TestApp['db']['db']) => sql`SELECT ${'{"a":"\\u0000"}'}::jsonb ->> 'a'`.execute(db)],
    ['text that is not a uuid', (db: TestApp['db']['db']) => sql`SELECT ${'nope'}::uuid`.execute(db)],
    ['a date out of range', (db: TestApp['db']['db']) => sql`SELECT ${'2025-13-45'}::date`.execute(db)],
  ])('answers %s that reached PostgreSQL with 400, not 500', async (_what, query) => {
    const logged: string[] = []
    const app = new Hono()
    app.get('/', async () => {
      await query(t.db.db)
      throw new Error('the query should have failed')
    })
    app.onError((err, c) => errorResponse(err, c, (m) => void logged.push(m)))
    const res = await app.request('/')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_input')
    expect(logged[0]).toMatch(/^bad input reached the database on GET \/: SQLSTATE 22/)
  })
})

describe('Open311', () => {
  it('keeps the media_url posted with a request and reads it back; refuses one that is not http(s)', async () => {
    const res = await open311(`api_key=${KEY}&service_code=jalan_rusak&lat=-6.2&long=106.845&description=Foto&media_url=${encodeURIComponent('https://cdn.example.org/a.jpg')}`)
    expect(res.status).toBe(201)
    const id = res.body[0].service_request_id
    expect((await get(`/open311/v2/requests/${id}.json`)).body[0].media_url).toBe('https://cdn.example.org/a.jpg')
    const bad = await open311(`api_key=${KEY}&service_code=jalan_rusak&lat=-6.2&long=106.845&media_url=${encodeURIComponent('javascript:alert(1)')}`)
    expect(bad.status).toBe(400)
    expect(bad.body[0].description).toMatch(/media_url/)
  })

  it('treats an empty optional parameter as absent, on GET and POST', async () => {
    const all = await get('/open311/v2/requests.json')
    expect(all.body.length).toBeGreaterThan(0)
    for (const q of ['service_code=', 'service_request_id=', 'start_date=', 'end_date=', 'status=', 'service_code=&start_date=&end_date=']) {
      const r = await get(`/open311/v2/requests.json?${q}`)
      expect(r.status, q).toBe(200)
      expect(r.body.length, q).toBe(all.body.length)
    }
    const res = await open311(`api_key=${KEY}&service_code=sampah&lat=-6.2&long=106.845&description=Kosong&email=&media_url=&phone=&first_name=`)
    expect(res.status).toBe(201)
  })

  it('accepts W3C date-only (WIB) and minute-precision dates', async () => {
    const r = await t.json('POST', '/api/reports', reportInput({ reported_at: '2025-03-10T10:00:00+07:00', description: 'Maret' }))
    expect(r.status).toBe(201)
    const ids = async (q: string) => {
      const res = await get(`/open311/v2/requests.json?${q}`)
      expect(res.status, q).toBe(200)
      return res.body.map((x: { service_request_id: string }) => x.service_request_id)
    }
    expect(await ids('start_date=2025-03-10&end_date=2025-03-10')).toContain(r.body.id)
    expect(await ids('start_date=2025-03-11&end_date=2025-03-12')).not.toContain(r.body.id)
    expect(await ids(`start_date=${encodeURIComponent('2025-03-10T09:59+07:00')}&end_date=${encodeURIComponent('2025-03-10T10:01+07:00')}`)).toContain(r.body.id)
    expect(await ids('start_date=2025-03-10T03:01Z&end_date=2025-03-10T04:00Z')).not.toContain(r.body.id)
    expect((await get('/open311/v2/requests.json?start_date=2025-02-30')).status).toBe(400)
  })

  it('answers 403 for a missing api_key and 404 for an unknown service_code on POST', async () => {
    const none = await open311('service_code=sampah&lat=-6.2&long=106.845')
    expect(none.status).toBe(403)
    expect(none.body[0]).toEqual({ code: 403, description: 'api_key is required' })
    const unknown = await open311(`api_key=${KEY}&service_code=ufo&lat=-6.2&long=106.845`)
    expect(unknown.status).toBe(404)
    expect(unknown.body[0].description).toMatch(/service_code "ufo" not found/)
  })

  it('answers 400 for a multipart body without its boundary (Open311 and photo uploads)', async () => {
    const o = await open311('x', {}, 'multipart/form-data')
    expect(o.status).toBe(400)
    const p = await t.app.request('/api/reports/with-photos', { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' })
    expect(p.status).toBe(400)
    expect(((await p.json()) as { error: { code: string } }).error.code).toBe('malformed_form')
  })
})

describe('reported_at bounds', () => {
  it.each([
    ['0001-01-01T00:00:00Z', /before 2000-01-01/],
    ['1999-12-31T23:59:59Z', /before 2000-01-01/],
    [new Date(Date.now() + 10 * 60_000).toISOString(), /more than 5 minutes ahead of the server clock/],
  ])('refuses %s with 422 stating the rule, storing nothing', async (when, rule) => {
    const before = await countReports()
    const res = await t.json('POST', '/api/reports', reportInput({ reported_at: when }))
    expect(res.status).toBe(422)
    expect(res.body.error.issues[0]).toMatchObject({ field: 'reported_at', message: expect.stringMatching(rule) })
    expect(await countReports()).toBe(before)
  })
  it('takes 2000-01-01 and a minute ahead', async () => {
    expect((await t.json('POST', '/api/reports', reportInput({ reported_at: '2000-01-01T00:00:00Z' }))).status).toBe(201)
    expect((await t.json('POST', '/api/reports', reportInput({ reported_at: new Date(Date.now() + 60_000).toISOString() }))).status).toBe(201)
  })
})

describe('regions import checks every feature before writing', () => {
  const feature = (code: string, name: string, coordinates: unknown) => ({ type: 'Feature', properties: { kode: code, nama: name }, geometry: { type: 'Polygon', coordinates } })
  const square = [[[107.1, -6.6], [107.11, -6.6], [107.11, -6.59], [107.1, -6.59], [107.1, -6.6]]]
  it.each([
    ['huge coordinates', [[[1e10, -6.6], [107.11, -6.6], [107.11, -6.59], [107.1, -6.6]]], /feature 1 \(32\.01\.02\.2002\): ring 0, position 0: 10000000000, -6.6 is outside/],
    ['non-numeric coordinates', [[['a', 'b'], [107.11, -6.6], [107.11, -6.59], ['a', 'b']]], /feature 1 \(32\.01\.02\.2002\): ring 0, position 0: \["a","b"\] is not \[longitude, latitude\] as numbers/],
    ['a 2-point ring', [[[107.1, -6.6], [107.11, -6.6]]], /feature 1 \(32\.01\.02\.2002\): ring 0 has 2 positions; a ring needs at least 4/],
  ])('refuses %s with the feature index and reason, writing nothing', async (_what, coordinates, message) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.geojson`)
    // The first feature is good: it must not be written either. A point before it shifts nothing.
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [feature('32.01.02.2001', 'Baik', square), feature('32.01.02.2002', 'Buruk', coordinates)] }))
    await expect(readRegionsFile(file)).rejects.toThrow(message)
    await expect(readRegionsFile(file)).rejects.toBeInstanceOf(ImportError)
    expect(await t.db.db.selectFrom('regions').select('code').where('code', 'like', '32.01.02.%').execute()).toEqual([])
  })
  it('refuses a NUL in a name, naming the feature and property', async () => {
    const file = join(dir, 'nul.geojson')
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [0, 0] } }, feature('32.01.02.2003', 'Nu\u0000l', square)] }))
    await expect(readRegionsFile(file)).rejects.toThrow(/^feature 1: property nama must not contain the NUL character/)
  })
})

describe('claims by any code scheme', () => {
  it('resolves a claim equal to an imported code before names, whatever the scheme', async () => {
    await importRegions(t.db.db, [squareRegion('402', '0402', [107.0, -6.5, 107.01, -6.49]), squareRegion('403', '402', [107.01, -6.5, 107.02, -6.49])])
    const res = await t.json('POST', '/api/reports', reportInput({ claimed_region: '402', location: { lat: -6.495, lon: 107.005 } }))
    expect(res.status).toBe(201)
    expect(res.body.location_check).toMatchObject({ status: 'match', claimed_region: { code: '402' } })
    // A Kemendagri code still resolves as before.
    const k = await t.json('POST', '/api/reports', reportInput({ claimed_region: '3171011001', location: { lat: -6.2, lon: 106.845 } }))
    expect(k.body.location_check).toMatchObject({ status: 'match', claimed_region: { code: '31.71.01.1001' } })
  })
})
