import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { jsonResponse } from '../openapi/openapi.registry.js'
import { countRegions } from '../regions/region.repository.js'

const tags = ['system']
defineRoute({
  method: 'get',
  path: '/api/health',
  tags,
  summary: 'Liveness: database kind and the latest event sequence number',
  responses: { '200': jsonResponse('OK', z.object({ ok: z.boolean(), db: z.enum(['pglite', 'postgres']), seq: z.number().int() })) },
})
defineRoute({
  method: 'get',
  path: '/api/config',
  tags,
  summary: 'What the screens need to start: basemap URL, demo mode',
  responses: { '200': jsonResponse('OK', z.object({ basemap_url: z.string().nullable(), demo: z.boolean() })) },
})

/** /api/health and /api/config: neither reads any input. */
export function systemRoutes() {
  return new Hono<AppEnv>()
    .get('/health', (c) => c.json({ ok: true, db: c.var.deps.db.kind, seq: c.var.deps.feed.lastSeq }))
    .get('/config', async (c) => c.json({ basemap_url: c.var.deps.config.SIGAP_BASEMAP_URL ?? null, demo: (await countRegions(c.var.deps.db.db)).demo > 0 }))
}
