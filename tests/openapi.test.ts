import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { errorResponse } from '../server/http/errors.js'
import { defineRoute } from '../server/http/route.js'
import { openapi, toOpenApiPath } from '../server/openapi/openapi.registry.js'
import { createTestApp, type TestApp } from './helpers/app.js'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

/** Every method + path the app serves (middleware and catch-alls aside), in OpenAPI form. */
function servedRoutes(): string[] {
  const out = new Set<string>()
  for (const r of t.app.routes) {
    if (r.method === 'ALL' || r.path.endsWith('*')) continue
    out.add(`${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`)
  }
  return [...out].sort()
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document', async () => {
    const r = await t.json('GET', '/api/openapi.json')
    expect(r.status).toBe(200)
    expect(r.body.openapi).toBe('3.1.0')
    expect(r.body.info.title).toBe('sigap API')
  })

  it('documents every route the app serves', () => {
    const documented = new Set(openapi.routes().map((r) => `${r.method} ${r.path}`))
    const missing = servedRoutes().filter((r) => !documented.has(r))
    // A route module declares each route with defineRoute (server/http/route.ts) next to it.
    expect(missing).toEqual([])
  })

  it('describes requests with the schemas that validate them', async () => {
    const doc = (await t.json('GET', '/api/openapi.json')).body
    const intake = doc.paths['/api/reports'].post.requestBody.content['application/json'].schema
    expect(intake.required).toEqual(expect.arrayContaining(['channel', 'category', 'description', 'location']))
    expect(intake.properties.channel.enum).toContain('whatsapp')
    expect(intake.properties.description.maxLength).toBe(5000)
    expect(intake.properties.location.required).toEqual(['lat', 'lon'])
    const list = doc.paths['/api/reports'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)
    expect(list).toEqual(expect.arrayContaining(['query:since', 'query:hours', 'query:limit']))
    const byId = doc.paths['/api/reports/{id}'].get.parameters
    expect(byId).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })])
    const o311 = doc.paths['/open311/v2/requests.json'].post.requestBody.content['application/x-www-form-urlencoded'].schema
    expect(o311.required).toEqual(expect.arrayContaining(['api_key', 'service_code']))
  })
})

describe('the routes moved to defineRoute (issue 20) are documented with what they read', () => {
  // path -> method -> the parameters ("in:name") the route validates; each must be in the document.
  const EXPECTED: [string, string, string[]][] = [
    ['get', '/api/health', []],
    ['get', '/api/config', []],
    ['get', '/api/categories', []],
    ['get', '/api/stats/response', ['query:group', 'query:level', 'query:agency', 'query:region', 'query:category', 'query:from', 'query:to', 'query:period']],
    ['get', '/api/stats/response.csv', ['query:group', 'query:from', 'query:period']],
    ['get', '/api/stats/heatmap', ['query:level', 'query:agency', 'query:period']],
    ['get', '/api/stats/ratings', ['query:agency', 'query:from', 'query:to']],
    ['get', '/api/status/{number}', ['path:number', 'query:k']],
    ['get', '/status', ['query:nomor']],
    ['get', '/status/{number}', ['path:number', 'query:k']],
    ['get', '/api/wall/summary', ['query:at']],
    ['get', '/api/wall/tickets.bin', []],
    ['get', '/api/review/summary', ['query:period', 'query:from', 'query:to', 'query:lang']],
    ['get', '/api/review/report.pdf', ['query:period', 'query:lang', 'query:compress']],
    ['get', '/api/export/reports.csv', ['query:from', 'query:to', 'query:category', 'query:bbox', 'query:limit']],
    ['get', '/api/photos/{id}', ['path:id']],
    ['get', '/api/photos/{id}/thumb', ['path:id']],
    ['post', '/api/incidents/{id}/photos', ['path:id']],
    ['get', '/api/lapor/nearby', ['query:lat', 'query:lon', 'query:category']],
    ['get', '/open311/v2/requests.json', ['query:service_request_id', 'query:service_code', 'query:start_date', 'query:end_date', 'query:status']],
    ['get', '/open311/v2/services/{service_code}.json', ['path:service_code']],
    ['get', '/open311/v2/requests/{service_request_id}.xml', ['path:service_request_id']],
    ['get', '/webhooks/whatsapp', ['query:hub.mode', 'query:hub.verify_token', 'query:hub.challenge']],
    ['post', '/webhooks/whatsapp', ['header:x-hub-signature-256']],
    ['get', '/metrics', []],
  ]
  let doc: { paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: { type?: unknown } }[] }>> }
  beforeAll(async () => {
    doc = (await t.json('GET', '/api/openapi.json')).body
  })

  it.each(EXPECTED)('%s %s', (method, path, params) => {
    const op = doc.paths[path]?.[method]
    expect(op, `${method} ${path} is documented`).toBeDefined()
    expect((op!.parameters ?? []).map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(params))
  })

  it('lists the statistics query as parameters with their types (it was an intersection the document could not list)', () => {
    const byName = Object.fromEntries((doc.paths['/api/stats/response']!.get!.parameters ?? []).map((p) => [p.name, p.schema]))
    expect(byName.group).toMatchObject({ enum: ['agency', 'region', 'agency_region', 'none'] })
    expect(byName.from).toMatchObject({ type: 'string', format: 'date-time' })
  })
})

describe('defineRoute: one contract for validation, types and the document', () => {
  const Body = z.object({ name: z.string().trim().min(2).max(20), count: z.number().int().min(1) })
  const Params = z.object({ id: z.uuid() })
  const Query = z.object({ limit: z.coerce.number().int().max(50).default(10) }).transform((q) => ({ ...q, doubled: q.limit * 2 }))
  const route = defineRoute({ method: 'post', path: '/api/test-contract/:id', tags: ['test'], summary: 'a contract', params: Params, query: Query, body: Body, names: { body: 'thing' } })
  const app = new Hono()
    .post('/api/test-contract/:id', async (c) => c.json({ ...route.params(c), ...route.query(c), ...(await route.body(c)) }))
    .onError((err, c) => errorResponse(err, c, () => {}))
  const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const ID = '0b6e4f7a-1c2d-4e5f-8a9b-0c1d2e3f4a5b'

  it('documents the schemas it validates with', () => {
    const op = (openapi.document() as { paths: Record<string, Record<string, any>> }).paths['/api/test-contract/{id}']!.post // any: a JSON document read in a test
    const body = op.requestBody.content['application/json'].schema
    expect(body.required).toEqual(['name', 'count'])
    expect(body.properties.name.maxLength).toBe(20)
    expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'path', name: 'id' }), expect.objectContaining({ in: 'query', name: 'limit' })]))
  })

  it('parses what it documents, and refuses the rest with a 422 naming the field', async () => {
    const ok = await post(`/api/test-contract/${ID}?limit=5`, { name: ' Ani ', count: 3 })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ id: ID, limit: 5, doubled: 10, name: 'Ani', count: 3 })
    const bad = await post(`/api/test-contract/${ID}`, { name: 'A', count: 0 })
    expect(bad.status).toBe(422)
    const err = (await bad.json()).error
    expect(err.message).toMatch(/^Invalid thing/)
    expect(err.issues.map((i: { field: string }) => i.field).sort()).toEqual(['count', 'name'])
    expect((await post('/api/test-contract/not-a-uuid', { name: 'Ani', count: 1 })).status).toBe(422)
    expect((await post(`/api/test-contract/${ID}?limit=500`, { name: 'Ani', count: 1 })).status).toBe(422)
    expect((await post(`/api/test-contract/${ID}`, { name: 'A\u0000ni', count: 1 })).status).toBe(400)
  })
})
