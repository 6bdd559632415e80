import { stringify } from 'csv-stringify/sync'
import { Hono } from 'hono'
import { z } from 'zod'
import { AgencyCode } from '../agencies/agency.schema.js'
import { ticketScope } from '../auth/principal.js'
import { latestSeq } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { errorResponses } from '../openapi/openapi.registry.js'
import { wib } from '../tickets/ticket.export.js'
import { RANGE_FIELDS, rangeOf, withRangeRules } from './period.js'
import { ratingStats, responseHeatmap, responseStats, type StatsFilter } from './stats.repository.js'

const StatsQuery = withRangeRules(
  z.object({
    group: z.enum(['agency', 'region', 'agency_region', 'none']).default('agency'),
    level: z.enum(['kelurahan', 'kecamatan']).default('kelurahan'),
    agency: AgencyCode.optional(),
    region: z.string().trim().min(1).max(64).optional(),
    category: z.string().trim().min(1).max(64).optional(),
    ...RANGE_FIELDS,
  }),
)

type Q = z.infer<typeof StatsQuery>

function filterOf(q: Q, scope: ReturnType<typeof ticketScope>): StatsFilter {
  const { from, to } = rangeOf(q)
  return { from, to, scope, agency: q.agency, region: q.region, category: q.category }
}

const COLUMNS = [
  'agency_code', 'region_code', 'received', 'responded', 'response_p50_min', 'response_p90_min', 'responded_within_sla', 'resolved',
  'resolve_p50_min', 'resolve_p90_min', 'resolved_within_sla', 'share_within_sla', 'breached', 'rejected', 'backlog',
  'rejected_hoax', 'rejected_prank', 'rejected_duplicate', 'rejected_out_of_scope',
] as const

const tags = ['stats']
const query = StatsQuery
const response = defineRoute({ method: 'get', path: '/api/stats/response', tags, query, summary: 'Response times per agency / region / period: median, p90, share within SLA, backlog' })
const responseCsv = defineRoute({
  method: 'get',
  path: '/api/stats/response.csv',
  tags,
  query,
  summary: 'Response statistics as CSV',
  responses: { '200': { description: 'text/csv', content: { 'text/csv': { schema: z.string() } } }, ...errorResponses },
})
const heatmap = defineRoute({ method: 'get', path: '/api/stats/heatmap', tags, query, summary: 'Agency response performance by area, for the wall' })
const ratings = defineRoute({ method: 'get', path: '/api/stats/ratings', tags, query, summary: 'Ratings rolled up per agency' })

/**
 * Response monitoring, scoped like the tickets (an agency's staff see their agency, a region
 * head their regions). Readable by every role, the wall's display included: figures only.
 */
export function statsRoutes() {
  return new Hono<AppEnv>()
    .get('/response', async (c) => {
      const q = response.query(c)
      const f = filterOf(q, ticketScope(c.var.principal))
      const rows = await responseStats(c.var.deps.db.db, f, q.group, q.level)
      return c.json({ from: f.from.toISOString(), to: f.to.toISOString(), group: q.group, level: q.level, rows })
    })
    .get('/response.csv', async (c) => {
      const q = responseCsv.query(c)
      const f = filterOf(q, ticketScope(c.var.principal))
      const rows = await responseStats(c.var.deps.db.db, f, q.group, q.level)
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', `attachment; filename="response-${wib(f.from).slice(0, 10)}-${wib(f.to).slice(0, 10)}.csv"`)
      return c.body(stringify([['from', 'to', ...COLUMNS], ...rows.map((r) => [wib(f.from), wib(f.to), ...COLUMNS.map((k) => r[k] ?? '')])]))
    })
    .get('/heatmap', async (c) => {
      const q = heatmap.query(c)
      const f = filterOf(q, ticketScope(c.var.principal))
      const db = c.var.deps.db.db
      // The wall refetches when ticket.* events arrive after `seq`.
      const seq = await latestSeq(db)
      const map = await responseHeatmap(db, f, q.level)
      return c.json({ seq, from: f.from.toISOString(), to: f.to.toISOString(), agency: q.agency ?? null, level: q.level, ...map })
    })
    .get('/ratings', async (c) => {
      const q = ratings.query(c)
      const scope = ticketScope(c.var.principal)
      const { from, to } = rangeOf(q)
      const agency = 'agencyCode' in scope ? scope.agencyCode : q.agency
      return c.json({ from: from.toISOString(), to: to.toISOString(), agencies: await ratingStats(c.var.deps.db.db, { from, to, agency }) })
    })
}
