import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
    // A route module adds its entries with openapi.add(...) next to the route (see openapi.registry.ts).
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
