import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { ticketScope } from '../auth/principal.js'
import { reportInScope } from '../tickets/ticket.repository.js'
import { notFound, parseOr422, readJson } from '../http/errors.js'
import { latestSeq } from '../events/event.repository.js'
import { findReportById, listRecentReports } from './report.repository.js'
import { IdempotencyKey, ReportInput, ReportListQuery } from './report.schema.js'
import { intakeOptionsFor, intakeReport, scopedIdempotencyKey } from './report.service.js'
import { statusLinkPath } from '../status/status.service.js'
import { issuePhotoToken } from '../photos/photo.token.js'
import { reportView } from './report.view.js'

const IdParam = z.object({ id: z.uuid('id must be a report id (UUID)') })

export function reportRoutes() {
  return new Hono<AppEnv>()
    .post('/', async (c) => {
      const input = parseOr422(ReportInput, await readJson(c), 'report')
      const header = c.req.header('idempotency-key')
      const key = header === undefined ? null : scopedIdempotencyKey(c.var.principal.userId, input.channel, parseOr422(IdempotencyKey, header, 'Idempotency-Key header'))
      const { report, created, fields } = await intakeReport(c.var.deps, input, key, intakeOptionsFor(c.var.deps, c.var.principal))
      // Once, to the sender of a new report: it lets them add photos later (photo.token.ts). A retry gets none.
      const token = created ? { photo_token: await issuePhotoToken(c.var.deps.db.db, report.id) } : {}
      // Not a spread: see intake.repository.ts storedOf.
      return c.json(Object.assign(reportView(report, c.var.principal), fields, { duplicate: !created, status_path: await statusLinkPath(c.var.deps.db.db, report.id) }, token), created ? 201 : 200)
    })
    .get('/', async (c) => {
      const q = parseOr422(ReportListQuery, c.req.query(), 'query')
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
      const { id } = parseOr422(IdParam, c.req.param(), 'report id')
      const row = await findReportById(c.var.deps.db.db, id)
      if (!row || !(await reportInScope(c.var.deps.db.db, id, ticketScope(c.var.principal)))) throw notFound(`Report ${id}`)
      return c.json(reportView(row, c.var.principal))
    })
}
