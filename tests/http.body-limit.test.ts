import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type Running } from '../server/server.js'
import { createTestDb } from './helpers/db.js'
import { testConfig } from './helpers/app.js'
import { reportInput } from './helpers/factories.js'

// The body limit over a real socket, where a request either declares its length (judged by the
// header, the body then read straight from the socket) or is sent in chunks (counted as read).

const LIMIT = 4096
let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running

beforeAll(async () => {
  db = await createTestDb()
  server = await startServer(testConfig({ SIGAP_MAX_BODY_BYTES: String(LIMIT) }), { db })
})
afterAll(async () => {
  await server?.close()
  await db?.close()
})

const countReports = async () => Number((await db.db.selectFrom('reports').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)

/** POSTs a report as one body with Content-Length, or in chunks of 1 KB without it. */
function post(body: unknown, mode: 'length' | 'chunked'): Promise<{ status: number; body: { id?: string; error?: { code: string } } }> {
  const payload = Buffer.from(JSON.stringify(body))
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' }
    if (mode === 'length') headers['content-length'] = payload.length
    const req = http.request(`${server.url}/api/reports`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }))
    })
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)))
    if (mode === 'length') req.end(payload)
    else {
      for (let i = 0; i < payload.length; i += 1024) req.write(payload.subarray(i, i + 1024))
      req.end()
    }
  })
}

describe('request body limit over HTTP', () => {
  for (const mode of ['length', 'chunked'] as const) {
    it(`stores a report under the limit sent ${mode === 'length' ? 'with Content-Length' : 'in chunks'}`, async () => {
      const description = `Got tersumbat, air meluap ke jalan (${mode}) ` + 'x'.repeat(2000)
      const res = await post(reportInput({ category: 'drainase', description }), mode)
      expect(res.status).toBe(201)
      const stored = await db.db.selectFrom('reports').select('description').where('id', '=', res.body.id!).executeTakeFirstOrThrow()
      expect(stored.description).toBe(description)
    })

    it(`refuses a report over the limit sent ${mode === 'length' ? 'with Content-Length' : 'in chunks'} with 413, storing nothing`, async () => {
      const before = await countReports()
      const res = await post(reportInput({ description: 'y'.repeat(LIMIT + 100) }), mode)
      expect(res.status).toBe(413)
      expect(res.body.error?.code).toBe('body_too_large')
      expect(await countReports()).toBe(before)
    })
  }
})
