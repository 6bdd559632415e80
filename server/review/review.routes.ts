import { Hono, type Context } from 'hono'
import { canReadTicketDetail, ticketScope, type Principal } from '../auth/principal.js'
import type { AppEnv, Deps } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { errorResponses } from '../openapi/openapi.registry.js'
import { reportCsv } from './review.csv.js'
import { reportPdf } from './review.pdf.js'
import { regionShapes, regionsExtent } from './review.repository.js'
import { ReviewQuery, reviewWindow, type ReviewQueryInput, type ReviewWindow } from './review.schema.js'
import { buildReview } from './review.service.js'

/**
 * The review covers every agency and region: for people who read tickets across the whole
 * area (admin, operator, leadership), not for scoped roles or wall displays.
 */
function requireReviewer(p: Principal): void {
  if (!canReadTicketDetail(p)) throw new AppError(401, 'unauthenticated', 'Sign in to see the review')
  if (!ticketScope(p).all) throw new AppError(403, 'forbidden', 'The review covers the whole area: for leadership, operators and admins')
}

const tags = ['review']
const query = ReviewQuery
const responses = {
  '200': { description: 'OK' },
  '401': { description: 'Not signed in' },
  '403': { description: 'A scoped role (agency staff, region head, field officer)' },
  ...errorResponses,
}
const summary = defineRoute({
  method: 'get',
  path: '/api/review/summary',
  tags,
  summary: 'Everything the leadership review shows for a period: totals, agencies, trends, regions ranked, hotspots',
  query,
  responses,
})
const csv = defineRoute({
  method: 'get',
  path: '/api/review/report.csv',
  tags,
  summary: 'The periodic report (week, month, a calendar month or a range) as CSV sections; no reporter identities',
  query,
  responses: { ...responses, '200': { description: 'text/csv' } },
})
const pdf = defineRoute({
  method: 'get',
  path: '/api/review/report.pdf',
  tags,
  summary: 'The periodic report as a 3-page PDF: map with hotspots and key figures, agencies, regions, hotspots and categories',
  query,
  responses: { ...responses, '200': { description: 'application/pdf' } },
})

/** The query by the route's schema, then the window it names (a bad combination is a 422 too). */
function parse(c: Context, route: typeof summary): { q: ReviewQueryInput; w: ReviewWindow } {
  const q = route.query(c)
  const w = reviewWindow(q)
  if (Array.isArray(w)) throw new AppError(422, 'validation_failed', `Invalid query: ${w.map((i) => `${i.field}: ${i.message}`).join('; ')}`, w)
  return { q, w }
}

const fileName = (w: ReviewWindow, ext: string) => {
  const day = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10)
  return `sigap-laporan-${day(w.from)}_${day(new Date(w.to.getTime() - 1))}.${ext}`
}

/** The authority's name and the demo mark, from the configuration. */
export const pdfMarks = (deps: Deps) => ({ authority: deps.config.SIGAP_AUTHORITY_NAME, demo: deps.config.SIGAP_DEMO })

/** Kelurahan outlines simplified to about a third of a point on the report's map (540 pt wide). */
export async function shapesForMap(deps: Deps) {
  const ext = await regionsExtent(deps.db.db)
  if (!ext) return []
  return regionShapes(deps.db.db, Math.max(ext[2] - ext[0], ext[3] - ext[1]) / 1600)
}

export function reviewRoutes() {
  return new Hono<AppEnv>()
    .get('/summary', async (c) => {
      requireReviewer(c.var.principal)
      const { w } = parse(c, summary)
      return c.json(await buildReview(c.var.deps, w))
    })
    .get('/report.csv', async (c) => {
      requireReviewer(c.var.principal)
      const { w } = parse(c, csv)
      const data = await buildReview(c.var.deps, w, { rankingLimit: 5000 })
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', `attachment; filename="${fileName(w, 'csv')}"`)
      return c.body(reportCsv(data))
    })
    .get('/report.pdf', async (c) => {
      requireReviewer(c.var.principal)
      const { q, w } = parse(c, pdf)
      const [data, shapes] = await Promise.all([buildReview(c.var.deps, w, { rankingLimit: 5000 }), shapesForMap(c.var.deps)])
      // Uncompressed on request: the text can then be read back (tests, accessibility checks).
      const bytes = await reportPdf(data, shapes, q.lang, { compress: q.compress !== '0', ...pdfMarks(c.var.deps) })
      c.header('Content-Type', 'application/pdf')
      c.header('Content-Disposition', `attachment; filename="${fileName(w, 'pdf')}"`)
      return c.body(new Uint8Array(bytes))
    })
}
