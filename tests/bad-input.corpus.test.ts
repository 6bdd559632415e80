import { execFile } from 'node:child_process'
import http from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sql } from 'kysely'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportFileError, importExport } from '../server/imports/import.service.js'
import { ImportError, readRegionsFile } from '../server/regions/region.import.js'
import { startServer, type Running } from '../server/server.js'
import { usersCommand } from '../server/users/user.cli.js'
import { signBody } from '../server/whatsapp/whatsapp.signature.js'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { createTestDb } from './helpers/db.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// The bad-input corpus (issue 17): hostile or broken input on every write route, on query
// parameters, on the socket and on the command-line tools. Each case must be refused with a
// 4xx (or a clear message and a non-zero exit) and change nothing; the server answers after.

const NUL = 'a\u0000b'
const LONE = 'a\ud800b'
const KEY = 'corpus-key'
const SECRET = 'corpus-secret'

let t: TestApp
let admin: Record<string, string>
let ids: { incident: string; other: string; report: string; dispute: string }
let dir: string

/** What a request could have changed: the row count of every table, and the event log's head. */
async function snapshot(): Promise<string> {
  const tables = (
    await sql<{ table_name: string }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(t.db.db)
  ).rows.map((r) => r.table_name)
  const counts = await sql<{ t: string; n: string }>`${sql.join(
    tables.map((name) => sql`SELECT ${name} AS t, count(*)::text AS n FROM ${sql.table(name)}`),
    sql` UNION ALL `,
  )}`.execute(t.db.db)
  const seq = await sql<{ s: string | null }>`SELECT max(seq)::text AS s FROM events`.execute(t.db.db)
  return JSON.stringify([counts.rows.filter((r) => r.t !== 'sessions'), seq.rows[0]?.s])
}

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_OPEN311_API_KEYS: `acme:${KEY}`, SIGAP_WHATSAPP_APP_SECRET: SECRET, SIGAP_WHATSAPP_VERIFY_TOKEN: 'v' }) })
  await seedTwoKelurahan(t.db.db)
  admin = (await signIn(t, 'admin')).headers
  // An incident (with its ticket), a second one, and a dispute: the targets of the id routes.
  const a = await t.json('POST', '/api/reports', reportInput({ category: 'jalan_rusak', location: { lat: -6.2, lon: 106.845 } }))
  const b = await t.json('POST', '/api/reports', reportInput({ category: 'sampah', location: { lat: -6.2, lon: 106.845 } }))
  const d = await t.json('POST', '/api/reports', reportInput({ category: 'banjir', claimed_region: 'Beta', location: { lat: -6.2, lon: 106.845 } }))
  ids = { incident: a.body.incident_id, other: b.body.incident_id, report: a.body.id, dispute: d.body.location_check.dispute_id }
  expect(ids.dispute).toBeTruthy()
  dir = mkdtempSync(join(tmpdir(), 'sigap-corpus-'))
})
afterAll(async () => {
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every variant of a body with one string leaf replaced by `bad`, named by its path. */
function variants(body: Record<string, unknown>, bad: string): [string, unknown][] {
  const out: [string, unknown][] = []
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'string') {
      const copy = structuredClone(body)
      let at: any = copy // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON copy by path
      for (const k of path.slice(0, -1)) at = at[k]
      at[path.at(-1)!] = bad
      out.push([path.join('.'), copy])
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k])
  }
  walk(body, [])
  return out
}

interface Case {
  name: string
  method: string
  path: string
  body?: unknown
  raw?: string
  headers?: Record<string, string>
  type?: string
}

// Representative bodies of every JSON write route, signed in as admin where a role is needed.
const ROUTES = (): { method: string; path: string; body: Record<string, unknown>; as?: 'admin' }[] => [
  {
    method: 'POST',
    path: '/api/reports',
    body: { channel: 'app', external_id: 'corpus-1', category: 'jalan_rusak', description: 'Lubang', location: { lat: -6.2, lon: 106.85 }, claimed_region: 'Alfa', reporter: { name: 'Ani', phone: '+62 812 1111' } },
  },
  { method: 'POST', path: '/api/agencies', body: { code: 'dinas_x', name_id: 'Dinas X', name_en: 'Agency X' }, as: 'admin' },
  { method: 'PATCH', path: '/api/agencies/dinas_pu', body: { name_id: 'Dinas PU', name_en: 'Public works' }, as: 'admin' },
  { method: 'POST', path: '/api/agencies/categories', body: { code: 'kucing', name_id: 'Kucing', name_en: 'Cats', grp: 'lainnya' }, as: 'admin' },
  { method: 'PATCH', path: '/api/agencies/categories/sampah', body: { name_id: 'Sampah', name_en: 'Rubbish' }, as: 'admin' },
  { method: 'PUT', path: '/api/agencies/routing-rules', body: { category_code: 'sampah', region_code: '31.71', agency_code: 'dinas_pu' }, as: 'admin' },
  { method: 'PUT', path: '/api/agencies/holidays', body: { day: '2030-01-01', name: 'Tahun Baru' }, as: 'admin' },
  { method: 'POST', path: '/api/users', body: { username: 'corpus_user', role: 'operator', password: 'corpus-password-1', display_name: 'Corpus' }, as: 'admin' },
  { method: 'POST', path: '/api/display-tokens', body: { name: 'Layar lobi' }, as: 'admin' },
  { method: 'POST', path: '/api/auth/login', body: { username: 'nobody', password: 'nothing-here' } },
  { method: 'POST', path: '/api/skm/recommendations', body: { period: '2025-Q1', text: 'Percepat respons' }, as: 'admin' },
]

describe('bad-input corpus: HTTP', () => {
  const cases: Case[] = []
  // 1. NUL and an unpaired surrogate in every string field of every JSON write route.
  for (const r of ROUTES()) {
    for (const [bad, label] of [
      [NUL, 'NUL'],
      [LONE, 'lone surrogate'],
    ] as const) {
      for (const [field, body] of variants(r.body, bad)) cases.push({ name: `${r.method} ${r.path}: ${label} in ${field}`, method: r.method, path: r.path, body, headers: r.as ? { admin: '1' } : {} })
    }
    // 2. Bodies that are not the JSON object expected.
    for (const [label, raw] of [
      ['malformed JSON', '{"a":'],
      ['a JSON array', '[1,2]'],
      ['JSON null', 'null'],
      ['a NUL in a key', '{"desc\\u0000":"x"}'],
    ] as const) cases.push({ name: `${r.method} ${r.path}: ${label}`, method: r.method, path: r.path, raw, headers: r.as ? { admin: '1' } : {} })
  }
  // 3. Id routes: bad ids in the path, and bad text in the body.
  const idRoutes = (): Case[] => [
    { name: 'merge: NUL reason', method: 'POST', path: `/api/incidents/${ids.incident}/merge`, body: { incident_id: ids.other, reason: `dupe ${NUL}` } },
    { name: 'merge: lone surrogate reason', method: 'POST', path: `/api/incidents/${ids.incident}/merge`, body: { incident_id: ids.other, reason: `dupe ${LONE}` } },
    { name: 'merge: NUL id in path', method: 'POST', path: '/api/incidents/%00/merge', body: { incident_id: ids.other, reason: 'dupe dupe' } },
    { name: 'split: NUL reason', method: 'POST', path: `/api/incidents/${ids.incident}/split`, body: { report_ids: [ids.report], reason: `pisah ${NUL}` } },
    { name: 'split: not an array', method: 'POST', path: `/api/incidents/${ids.incident}/split`, body: { report_ids: 'x', reason: 'pisah' } },
    { name: 'ticket transition: NUL note', method: 'POST', path: `/api/tickets/${ids.incident}/transition`, body: { to: 'verified', note: NUL } },
    { name: 'ticket transition: lone surrogate field_team', method: 'POST', path: `/api/tickets/${ids.incident}/transition`, body: { to: 'dispatched', field_team: LONE } },
    { name: 'ticket transition: unknown status', method: 'POST', path: `/api/tickets/${ids.incident}/transition`, body: { to: 'teleported' } },
    { name: 'ticket route: NUL reason', method: 'POST', path: `/api/tickets/${ids.incident}/route`, body: { agency_code: 'dinas_pu', reason: `ke PU ${NUL}` } },
    { name: 'ticket ratings: NUL comment', method: 'POST', path: `/api/tickets/${ids.incident}/ratings`, body: { report_id: ids.report, score: 5, comment: NUL } },
    { name: 'ticket ratings: score 1e308', method: 'POST', path: `/api/tickets/${ids.incident}/ratings`, body: { report_id: ids.report, score: 1e308 } },
    { name: 'dispute propose: NUL reason', method: 'POST', path: `/api/disputes/${ids.dispute}/propose`, body: { decision: 'keep', reason: `di sini ${NUL}` } },
    { name: 'dispute decide: lone surrogate reason', method: 'POST', path: `/api/disputes/${ids.dispute}/decide`, body: { decision: 'move', reason: `pindah ${LONE}` } },
    { name: 'dispute decide: corrected_location 1e10', method: 'POST', path: `/api/disputes/${ids.dispute}/decide`, body: { decision: 'keep', reason: 'di sini', corrected_location: { lat: 1e10, lon: 0 } } },
    { name: 'rating link: NUL token', method: 'POST', path: '/api/ratings/%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00', body: { score: 5 } },
    { name: 'rating link: NUL comment', method: 'POST', path: '/api/ratings/AAAAAAAAAAAAAAAAAAAA', body: { score: 5, comment: NUL } },
    { name: 'skm response: NUL', method: 'POST', path: '/api/skm/responses', body: { token: NUL, answers: [NUL] } },
    { name: 'user patch: NUL display_name', method: 'PATCH', path: '/api/users/00000000-0000-0000-0000-000000000000', body: { display_name: NUL } },
    { name: 'user patch: NUL id', method: 'PATCH', path: '/api/users/%00', body: { display_name: 'x' } },
    { name: 'display token delete: NUL name', method: 'DELETE', path: '/api/display-tokens/%00' },
    { name: 'routing rule delete: NUL query', method: 'DELETE', path: '/api/agencies/routing-rules?category_code=%00&region_code=31' },
    { name: 'holiday delete: NUL day', method: 'DELETE', path: '/api/agencies/holidays/%00' },
    { name: 'report with reported_at 0001', method: 'POST', path: '/api/reports', body: reportInput({ reported_at: '0001-01-01T00:00:00Z' }) },
    { name: 'report with reported_at in 2999', method: 'POST', path: '/api/reports', body: reportInput({ reported_at: '2999-01-01T00:00:00Z' }) },
    { name: 'report with lat 1e308', method: 'POST', path: '/api/reports', body: reportInput({ location: { lat: 1e308, lon: 0 } }) },
    { name: 'report with lat as text', method: 'POST', path: '/api/reports', body: { ...reportInput(), location: { lat: 'abc', lon: 0 } } },
    { name: 'report with media_url javascript:', method: 'POST', path: '/api/reports', body: reportInput({ media_url: 'javascript:alert(1)' }) },
    { name: 'report: empty body', method: 'POST', path: '/api/reports', raw: '' },
    { name: 'report: 64 levels deep', method: 'POST', path: '/api/reports', raw: '{"a":'.repeat(64) + '1' + '}'.repeat(64) },
    { name: 'photos: multipart without boundary', method: 'POST', path: '/api/reports/with-photos', raw: 'x', type: 'multipart/form-data' },
    { name: 'report photos: multipart without boundary', method: 'POST', path: `/api/reports/${ids.report}/photos`, raw: 'x', type: 'multipart/form-data' },
    { name: 'incident photos: multipart without boundary', method: 'POST', path: `/api/incidents/${ids.incident}/photos`, raw: 'x', type: 'multipart/form-data' },
  ]
  // 4. Query parameters with a NUL, on every list and filter route.
  const queries = [
    '/api/reports?since=%00', '/api/reports?hours=%00', '/api/incidents?category=%00', '/api/incidents?region=%00', '/api/incidents?status=%00', '/api/incidents?bbox=%00',
    '/api/tickets?category=%00', '/api/tickets?region=%00', '/api/tickets?status=%00', '/api/tickets?agency=%00', '/api/stats/response?category=%00', '/api/stats/response?region=%00',
    '/api/stats/response?from=%00', '/api/hotspots?category=%00', '/api/density?category=%00', '/api/regions/ranking?category=%00', '/api/disputes?state=%00', '/api/disputes?region=%00',
    '/api/review?from=%00', '/api/export/reports.csv?category=%00', '/api/skm/results?period=%00', '/api/wall/summary?region=%00',
    '/open311/v2/requests.json?service_code=%00', '/open311/v2/requests.json?service_request_id=%00', '/open311/v2/requests.json?start_date=%00', '/open311/v2/requests.json?status=%00',
    '/open311/v2/requests.json?start_date=2025-13-45', '/open311/v2/requests.json?end_date=yesterday',
  ]
  // 5. Open311 POST: every field with a NUL, and the spec's refusals.
  const o311 = (): Case[] => {
    const form: Record<string, string> = { api_key: KEY, service_code: 'sampah', lat: '-6.2', long: '106.845', description: 'Sampah', first_name: 'Ani', last_name: 'B', email: 'a@b.id', address_string: 'Alfa', device_id: 'd1' }
    const out: Case[] = Object.keys(form)
      .filter((k) => k !== 'api_key')
      .map((k) => ({ name: `Open311 POST: NUL in ${k}`, method: 'POST', path: '/open311/v2/requests.json', raw: new URLSearchParams({ ...form, [k]: NUL }).toString(), type: 'application/x-www-form-urlencoded' }))
    out.push(
      { name: 'Open311 POST: no api_key', method: 'POST', path: '/open311/v2/requests.json', raw: 'service_code=sampah&lat=-6.2&long=106.845', type: 'application/x-www-form-urlencoded' },
      { name: 'Open311 POST: unknown service_code', method: 'POST', path: '/open311/v2/requests.xml', raw: `api_key=${KEY}&service_code=ufo&lat=-6.2&long=106.845`, type: 'application/x-www-form-urlencoded' },
      { name: 'Open311 POST: lat empty (not 0)', method: 'POST', path: '/open311/v2/requests.json', raw: `api_key=${KEY}&service_code=sampah&lat=&long=`, type: 'application/x-www-form-urlencoded' },
      { name: 'Open311 POST: multipart without boundary', method: 'POST', path: '/open311/v2/requests.json', raw: 'x', type: 'multipart/form-data' },
      { name: 'Open311 POST: malformed JSON', method: 'POST', path: '/open311/v2/requests.json', raw: '{', type: 'application/json' },
    )
    return out
  }
  // 6. WhatsApp deliveries that are refused (a bad message inside a good delivery is cleaned: security.input.test.ts).
  const wa = (): Case[] => {
    const body = '{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"messages","value":{"messages":[{"from":"1","id":"x","timestamp":"1","type":"text","text":{"body":"a"}}]}}]}]}'
    return [
      { name: 'WhatsApp: unsigned', method: 'POST', path: '/webhooks/whatsapp', raw: body },
      { name: 'WhatsApp: wrong signature', method: 'POST', path: '/webhooks/whatsapp', raw: body, headers: { 'x-hub-signature-256': signBody(body + ' ', SECRET) } },
      { name: 'WhatsApp: signed malformed JSON', method: 'POST', path: '/webhooks/whatsapp', raw: '{"entry":', headers: { 'x-hub-signature-256': signBody('{"entry":', SECRET) } },
      { name: 'WhatsApp: handshake with NUL token', method: 'GET', path: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=%00&hub.challenge=1' },
    ]
  }

  it('refuses every case with a 4xx and a message, storing nothing, and answers afterwards', async () => {
    const all = [...cases, ...idRoutes(), ...queries.map((path): Case => ({ name: `GET ${path}`, method: 'GET', path, headers: { admin: '1' } })), ...o311(), ...wa()]
    expect(all.length).toBeGreaterThanOrEqual(150)
    const failures: string[] = []
    for (const c of all) {
      const before = await snapshot()
      const headers: Record<string, string> = { 'content-type': c.type ?? 'application/json', ...(c.headers?.admin || c.path.startsWith('/api/') ? admin : {}) }
      for (const [k, v] of Object.entries(c.headers ?? {})) if (k !== 'admin') headers[k] = v
      const res = await t.app.request(c.path, { method: c.method, headers, ...(c.method === 'GET' || c.method === 'DELETE' && c.body === undefined ? {} : { body: c.raw ?? JSON.stringify(c.body) }) })
      const text = await res.text()
      if (res.status < 400 || res.status >= 500) failures.push(`${c.name}: ${res.status} ${text.slice(0, 160)}`)
      else if (!/"(message|description)":"[^"]{8,}/.test(text) && !/<description>.{8,}<\/description>/.test(text)) failures.push(`${c.name}: no clear message: ${text.slice(0, 160)}`)
      if ((await snapshot()) !== before) failures.push(`${c.name}: changed the database`)
    }
    expect(failures).toEqual([])
    expect((await t.json('GET', '/api/health')).status).toBe(200)
    expect((await t.json('POST', '/api/reports', reportInput())).status).toBe(201)
  })
})

describe('bad-input corpus: command-line tools', () => {
  const feature = (props: Record<string, unknown>, coordinates: unknown, type = 'Polygon') => ({ type: 'Feature', properties: props, geometry: { type, coordinates } })
  const ok = [[[107.1, -6.6], [107.11, -6.6], [107.11, -6.59], [107.1, -6.59], [107.1, -6.6]]]
  const files: [string, string, RegExp][] = [
    ['not JSON', '{"type":', /not valid JSON/],
    ['not a FeatureCollection', '{"type":"Feature"}', /expected a FeatureCollection/],
    ['no polygons', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '1' }, [0, 0], 'Point')] }), /no polygons/],
    ['coordinates of 1e10', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, [[[1e10, 0], [1, 0], [1, 1], [1e10, 0]]])] }), /feature 0 \(32\.01\): ring 0, position 0: .* outside/],
    ['coordinates of -1e10', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, [[[0, -1e10], [1, 0], [1, 1], [0, -1e10]]])] }), /outside longitude/],
    ['text coordinates', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, [[['x', 'y'], [1, 0], [1, 1], ['x', 'y']]])] }), /not \[longitude, latitude\] as numbers/],
    ['null coordinates', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, null)] }), /feature 0 \(32\.01\): no rings/],
    ['a 2-point ring', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, ok), feature({ kode: '32.02', nama: 'B' }, [[[0, 0], [1, 1]]])] }), /feature 1 \(32\.02\): ring 0 has 2 positions/],
    ['an empty MultiPolygon', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A' }, [], 'MultiPolygon')] }), /no coordinates/],
    ['a NUL in a name', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: `A${NUL}` }, ok)] }), /feature 0: property nama must not contain the NUL/],
    ['a NUL in a code', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: `32${NUL}`, nama: 'A' }, ok)] }), /feature 0: property kode must not contain the NUL/],
    ['a lone surrogate in another property', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: 'A', nama_kec: LONE }, ok)] }), /property nama_kec must be valid Unicode/],
    ['no code', JSON.stringify({ type: 'FeatureCollection', features: [feature({ nama: 'A' }, ok)] }), /lacks the code property/],
    ['an empty name', JSON.stringify({ type: 'FeatureCollection', features: [feature({ kode: '32.01', nama: ' ' }, ok)] }), /lacks the name property/],
  ]
  it.each(files)('regions import refuses %s with the reason', async (_what, content, reason) => {
    const file = join(dir, `r-${Math.random().toString(36).slice(2)}.geojson`)
    writeFileSync(file, content)
    const err = await readRegionsFile(file).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportError)
    expect((err as Error).message).toMatch(reason)
  })

  it('regions import, as a command, refuses a bad file with exit 1 and one plain line, writing nothing', { timeout: 120_000 }, async () => {
    const file = join(dir, 'cli-bad.geojson')
    writeFileSync(file, files[7]![1])
    const data = join(dir, 'cli-db')
    const res = await promisify(execFile)('npx', ['tsx', 'server/cli.ts', 'regions', 'import', file], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, DATABASE_URL: '', SIGAP_DATA_DIR: data, SIGAP_LOG: 'error' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    )
    expect(res.code).toBe(1)
    expect(res.stderr.trim()).toBe('regions import failed, nothing was written: feature 1 (32.02): ring 0 has 2 positions; a ring needs at least 4 (its first repeated as its last)')
    expect(res.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  const laporFiles: [string, string, RegExp][] = [
    ['an unreadable CSV', 'a,b\n"unclosed', /not a readable CSV/],
    ['no id column', 'Judul,Isi\nx,y\n', /no source id column/],
  ]
  it.each(laporFiles)('import lapor refuses %s, storing nothing', async (_what, content, reason) => {
    const file = join(dir, `l-${Math.random().toString(36).slice(2)}.csv`)
    writeFileSync(file, content)
    const before = await snapshot()
    const err = await importExport(t.deps, file).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ImportFileError)
    expect((err as Error).message).toMatch(reason)
    expect(await snapshot()).toBe(before)
  })

  it.each([
    ['a NUL in the username', { username: `ad${NUL}min`, role: 'admin' }],
    ['a lone surrogate in the name', { username: 'corpus_cli', role: 'admin', name: LONE }],
    ['an unknown role', { username: 'corpus_cli', role: 'root' }],
  ])('users add refuses %s with exit 2, storing nothing', async (_what, opts) => {
    const before = await snapshot()
    const errors: string[] = []
    const orig = console.error
    console.error = (m: string) => void errors.push(m)
    try {
      expect(await usersCommand(t.db, 'add', opts)).toBe(2)
    } finally {
      console.error = orig
    }
    expect(errors.join('\n')).toMatch(/^--(username|name|role): /)
    expect(await snapshot()).toBe(before)
  })
})

describe('bad-input corpus: the socket and the connection', () => {
  let db: Awaited<ReturnType<typeof createTestDb>>
  let server: Running
  beforeAll(async () => {
    db = await createTestDb()
    server = await startServer(testConfig({ SIGAP_MAX_BODY_BYTES: '4096' }), { db })
  })
  afterAll(async () => {
    await server?.close()
    await db?.close()
  })

  const frames: [string, string | Buffer][] = [
    ['not JSON', 'hello'],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['a NUL in JSON', '{"type":"subscribe\\u0000"}'],
    ['a raw NUL', '\u0000'],
    ['a lone surrogate', '{"type":"\\ud800"}'],
    ['an unknown type', '{"type":"drop_tables"}'],
    ['since negative', '{"type":"subscribe","since":-1}'],
    ['since a fraction', '{"type":"subscribe","since":1.5}'],
    ['since as text', '{"type":"subscribe","since":"0"}'],
    ['since 1e308', '{"type":"subscribe","since":1e308}'],
    ['an array', '[{"type":"ping"}]'],
    ['null', 'null'],
    ['deep nesting', '['.repeat(5000) + ']'.repeat(5000)],
  ]
  it('answers each bad frame with bad_message and keeps the socket usable', async () => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws')
    const got: { type: string; code?: string }[] = []
    ws.on('message', (m) => got.push(JSON.parse(m.toString())))
    await new Promise((r) => ws.once('open', r))
    for (const [what, frame] of frames) {
      const n = got.length
      ws.send(frame)
      await expect.poll(() => got.length > n, { timeout: 5000, message: what }).toBe(true)
      expect(got.at(-1), what).toMatchObject({ type: 'error', code: 'bad_message' })
    }
    ws.send('{"type":"ping"}')
    await expect.poll(() => got.at(-1)?.type, { timeout: 5000 }).toBe('pong')
    ws.terminate()
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })

  it('answers 413 with Connection: close, and a new connection is served', async () => {
    const res = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const payload = JSON.stringify(reportInput({ description: 'x'.repeat(5000) }))
      const req = http.request(`${server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (r) => {
        r.resume()
        r.on('end', () => resolve({ status: r.statusCode ?? 0, connection: r.headers.connection }))
      })
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)))
      req.end(payload)
    })
    expect(res).toEqual({ status: 413, connection: 'close' })
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200)
  })
})

describe('shutdown', () => {
  it('closes the sockets with 1001 (going away)', async () => {
    const db = await createTestDb()
    const server = await startServer(testConfig(), { db })
    try {
      const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws')
      await new Promise((r) => ws.once('open', r))
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)))
      await server.close()
      expect(await closed).toBe(1001)
    } finally {
      await db.close()
    }
  })
})
