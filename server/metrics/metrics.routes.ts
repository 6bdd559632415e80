import { timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { z } from 'zod'
import { defineRoute } from '../http/route.js'
import { observeFeed, registry, slaBreaches } from './metrics.js'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { lateSql } from '../tickets/late.js'

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Open tickets past their SLA (by the one definition of late), read at scrape time so that every
 * server process reports the same figure from the database.
 */
async function refreshSlaBreaches(db: Kysely<Database>): Promise<void> {
  // Open tickets late by the one definition (tickets/late.ts), judged at scrape time.
  const rows = await db
    .selectFrom('incidents as i')
    .select((eb) => [
      'i.agency_code',
      eb.fn.count<number>('i.id').filterWhere(lateSql('response')).as('response'),
      eb.fn.count<number>('i.id').filterWhere(lateSql('resolve')).as('resolution'),
    ])
    .where('i.merged_into', 'is', null)
    .where('i.ended_at', 'is', null)
    .where(lateSql('any'))
    .groupBy('i.agency_code')
    .execute()
  slaBreaches.reset()
  for (const r of rows) {
    const agency = r.agency_code ?? 'unrouted'
    slaBreaches.set({ agency, kind: 'response' }, Number(r.response))
    slaBreaches.set({ agency, kind: 'resolution' }, Number(r.resolution))
  }
}

/** GET /metrics in the Prometheus text format; behind a bearer token when SIGAP_METRICS_TOKEN is set. */
export function metricsRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const token = c.var.deps.config.SIGAP_METRICS_TOKEN
    if (token !== undefined && !sameSecret(c.req.header('authorization') ?? '', `Bearer ${token}`)) {
      throw new AppError(401, 'unauthorized', 'GET /metrics needs Authorization: Bearer <SIGAP_METRICS_TOKEN>')
    }
    observeFeed(c.var.deps.feed)
    await refreshSlaBreaches(c.var.deps.db.db)
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
}

defineRoute({
  method: 'get',
  path: '/metrics',
  tags: ['system'],
  summary: 'Prometheus metrics: intake (sigap_reports_created_total), WebSocket clients, event lag, SLA breaches, request latency',
  responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } }, '401': { description: 'SIGAP_METRICS_TOKEN is set and the bearer token is missing or wrong' } },
})
