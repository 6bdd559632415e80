import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { ticketScope } from '../auth/principal.js'
import { reportInScope } from '../tickets/ticket.scope.js'
import { notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { errorResponses, jsonResponse } from '../openapi/openapi.registry.js'
import { IntakeAnswer, ReportView, RetriedAnswer } from '../openapi/openapi.views.js'
import { latestSeq } from '../events/event.repository.js'
import { findReportById, listRecentReports } from './report.repository.js'
import { IdempotencyKey, ReportInput, ReportListQuery } from './report.schema.js'
import { httpIntakeOptions, intakeReport, scopedIdempotencyKey } from './report.service.js'
import { statusLinkPath } from '../status/status.service.js'
import { intakeAnswer } from './intake.outcome.js'
import { reportView } from './report.view.js'

const IdParam = z.object({ id: z.uuid('id must be a report id (UUID)') })
const tags = ['reports']

const intake = defineRoute({
  method: 'post',
  path: '/api/reports',
  tags,
  summary: 'Take in a report (any channel); idempotent by channel + external_id or Idempotency-Key',
  headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
  body: ReportInput,
  names: { body: 'report', headers: 'Idempotency-Key header' },
  responses: {
    '201': jsonResponse('Stored, with its location check, the incident it joined or opened, its routing, and its photo token', IntakeAnswer),
    '200': jsonResponse('A retry of a report already stored (as stored; no photo token)', RetriedAnswer),
    '503': { description: 'Too many reports waiting to be stored (SIGAP_INTAKE_MAX_WAITING): nothing stored; retry after `Retry-After` seconds' },
    ...errorResponses,
  },
})
const recent = defineRoute({
  method: 'get',
  path: '/api/reports',
  tags,
  summary: "Recent reports in the viewer's scope, newest first, a page at a time (default 1,000, at most 5,000; `next` is the following page or null), with the event sequence number to follow the socket from",
  query: ReportListQuery,
  responses: { '200': jsonResponse('OK', z.object({ seq: z.number().int(), reports: z.array(ReportView), next: z.string().nullable() })), ...errorResponses },
})
const one = defineRoute({
  method: 'get',
  path: '/api/reports/:id',
  tags,
  summary: 'One report',
  params: IdParam,
  names: { params: 'report id' },
  responses: { '200': jsonResponse('OK', ReportView), '404': { description: 'No such report' }, ...errorResponses },
})

export function reportRoutes() {
  return new Hono<AppEnv>()
    .post('/', async (c) => {
      const input = await intake.body(c)
      const header = intake.headers(c)['idempotency-key']
      const key = header === undefined ? null : scopedIdempotencyKey(c.var.principal.userId, input.channel, header)
            // A photo token to the sender of a new report; a named incident is joined near the report unless staff sent it.
      const result = await intakeReport(c.var.deps, input, key, httpIntakeOptions(c.var.principal))
      // The reporter's own status link (status.service.ts), on a retry too.
      const status_path = await statusLinkPath(c.var.deps.db.db, result.report.id)
      return c.json(Object.assign(intakeAnswer(c.var.principal, result), { status_path }), result.created ? 201 : 200)
    })
    .get('/', async (c) => {
      const q = recent.query(c)
      // The sequence number is read before the rows: events after it may repeat rows
      // already in the answer, which the client merges by id, but none can be missed.
      const seq = await latestSeq(c.var.deps.db.db)
      const since = q.since ? new Date(q.since) : new Date(Date.now() - q.hours * 3_600_000)
      const rows = await listRecentReports(c.var.deps.db.db, c.var.principal, since, q.limit, q.after)
      // A full page may have more behind it: the link fixes `since`, so the window does not slide while paging.
      const last = rows.length === q.limit ? rows.at(-1) : undefined
      const next = last ? `/api/reports?${new URLSearchParams({ since: since.toISOString(), limit: String(q.limit), after: last.id })}` : null
      return c.json({ seq, reports: rows.map((r) => reportView(r, c.var.principal)), next })
    })
    .get('/:id', async (c) => {
      const { id } = one.params(c)
      const row = await findReportById(c.var.deps.db.db, id)
      if (!row || !(await reportInScope(c.var.deps.db.db, id, ticketScope(c.var.principal)))) throw notFound(`Report ${id}`)
      return c.json(reportView(row, c.var.principal))
    })
}
