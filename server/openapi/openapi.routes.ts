import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { openapi } from './openapi.registry.js'

/** GET /api/openapi.json: every registered operation, built from the zod schemas. */
export function openapiRoutes() {
  return new Hono<AppEnv>().get('/', (c) => {
    const doc = openapi.document()
    return c.json({ ...doc, servers: [{ url: new URL(c.req.url).origin }] })
  })
}

defineRoute({ method: 'get', path: '/api/openapi.json', tags: ['system'], summary: 'This document (OpenAPI 3.1), built from the zod schemas the routes validate with' })
