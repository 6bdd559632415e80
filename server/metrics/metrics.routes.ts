import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { z } from 'zod'
import { openapi } from '../openapi/openapi.registry.js'
import { observeFeed, registry } from './metrics.js'

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** GET /metrics in the Prometheus text format; behind a bearer token when SIGAP_METRICS_TOKEN is set. */
export function metricsRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const token = c.var.deps.config.SIGAP_METRICS_TOKEN
    if (token !== undefined && !sameSecret(c.req.header('authorization') ?? '', `Bearer ${token}`)) {
      throw new AppError(401, 'unauthorized', 'GET /metrics needs Authorization: Bearer <SIGAP_METRICS_TOKEN>')
    }
    observeFeed(c.var.deps.feed)
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
}

openapi.add('get', '/metrics', {
  tags: ['system'],
  summary: 'Prometheus metrics: intake (sigap_reports_created_total), WebSocket clients, event lag, SLA breaches, request latency',
  responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } }, '401': { description: 'SIGAP_METRICS_TOKEN is set and the bearer token is missing or wrong' } },
})
