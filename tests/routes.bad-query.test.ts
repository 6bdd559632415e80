import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, signIn, testConfig, type TestApp } from './helpers/app.js'
import { reportInput, seedTwoKelurahan } from './helpers/factories.js'

// Bad query and path values on the routes moved to defineRoute (issue 20): every parameter the
// OpenAPI document lists for them, given a NUL, a huge number, a wrong type or an overlong
// text, must be answered without a 500 (a NUL always with a 4xx). The
// parameters come from the document, so a parameter added to a schema is tried too.

const FAMILIES = ['/api/stats/', '/api/wall/', '/api/review/', '/api/status/', '/status', '/api/export/', '/api/photos/', '/open311/v2/', '/api/lapor/', '/webhooks/whatsapp', '/nilai/']
const BAD: [string, string][] = [
  ['a NUL', 'a\u0000b'],
  ['a huge number', '9'.repeat(400)],
  ['a number past float range', '1e999'],
  ['a negative number', '-1'],
  ['a wrong type', '[object Object]'],
  ['an overlong text', 'x'.repeat(5000)],
]
const UUID = '0b6e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'

interface Param {
  name: string
  in: string
}
let t: TestApp
let admin: Record<string, string>
let gets: { path: string; params: Param[] }[]

beforeAll(async () => {
  t = await createTestApp({ config: testConfig({ SIGAP_WHATSAPP_VERIFY_TOKEN: 'v' }) })
  await seedTwoKelurahan(t.db.db)
  await t.json('POST', '/api/reports', reportInput())
  admin = (await signIn(t, 'admin')).headers
  const doc = (await t.json('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: Param[] }>> }
  gets = Object.entries(doc.paths)
    .filter(([path, ops]) => ops.get && FAMILIES.some((f) => path.startsWith(f)))
    .map(([path, ops]) => ({ path, params: (ops.get!.parameters ?? []).filter((p) => p.in === 'query' || p.in === 'path') }))
})
afterAll(() => t.close())

/** The documented path with every path parameter filled: `bad` for the one named, a plausible value for the rest. */
function url(path: string, name: string | null, bad: string): string {
  return path.replace(/\{([^}]+)\}/g, (_, p: string) => encodeURIComponent(p === name ? bad : p === 'number' ? 'ABCD1234' : UUID))
}

describe('bad query and path values on the converted routes', () => {
  it('finds the routes of every family in the document', () => {
    for (const f of FAMILIES) expect(gets.some((g) => g.path.startsWith(f)), f).toBe(true)
    expect(gets.reduce((n, g) => n + g.params.length, 0)).toBeGreaterThan(40)
  })

  it.each(BAD)('%s in any parameter is a 4xx', async (what, bad) => {
    const wrong: string[] = []
    for (const g of gets) {
      for (const p of g.params) {
        const target = p.in === 'path' ? url(g.path, p.name, bad) : `${url(g.path, null, bad)}?${encodeURIComponent(p.name)}=${encodeURIComponent(bad)}`
        const res = await t.app.request(target, { headers: admin })
        // Some of these are fine text for a free-text parameter (200); a NUL never is.
        const ok = what === 'a NUL' ? res.status >= 400 && res.status < 500 : res.status < 500
        if (!ok) wrong.push(`${g.path} ${p.in}:${p.name} → ${res.status}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('names the field and the reason in the 422', async () => {
    const cases: [string, string][] = [
      ['/api/stats/response?group=everything', 'group'],
      ['/api/stats/heatmap?period=2025&from=2025-01-01T00:00:00Z', 'period'],
      ['/api/wall/summary?at=yesterday', 'at'],
      ['/api/review/summary?lang=fr', 'lang'],
      ['/api/export/reports.csv?limit=abc', 'limit'],
      ['/api/status/ABCD1234?k=%3Cscript%3E', 'k'],
      ['/api/photos/not-a-uuid', 'id'],
    ]
    for (const [path, field] of cases) {
      const res = await t.json('GET', path, undefined, admin)
      expect(res.status, path).toBe(422)
      expect(res.body.error.issues.map((i: { field: string }) => i.field), path).toContain(field)
    }
  })
})
