import { Hono } from 'hono'
import { canSeeTicket, ticketScope } from '../auth/principal.js'
import type { AppEnv } from '../http/context.js'
import { notFound, parseOr422, readJson } from '../http/errors.js'
import { latestSeq } from '../events/event.repository.js'
import { selectReports } from '../reports/report.repository.js'
import { reportView } from '../reports/report.view.js'
import { findIncident, incidentFilterOf, listIncidents } from './incident.repository.js'
import { IncidentIdParam, IncidentListQuery, MergeBody, SplitBody } from './incident.schema.js'
import { mergeIncidents, splitIncident } from './incident.service.js'
import { incidentFeature, incidentView } from './incident.view.js'

export function incidentRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const q = parseOr422(IncidentListQuery, c.req.query(), 'query')
      const db = c.var.deps.db.db
      // Read before the rows, as for reports: later events may repeat rows, none can be missed.
      const seq = await latestSeq(db)
      // A region head sees their regions' incidents, agency staff their agency's (as for tickets).
      const rows = await listIncidents(db, incidentFilterOf(q, ticketScope(c.var.principal)))
      c.header('Content-Type', 'application/geo+json; charset=utf-8')
      return c.body(JSON.stringify({ type: 'FeatureCollection', seq, features: rows.map(incidentFeature) }))
    })
    .get('/:id', async (c) => {
      const { id } = parseOr422(IncidentIdParam, c.req.param(), 'incident id')
      const db = c.var.deps.db.db
      const row = await findIncident(db, id)
      if (!row || !canSeeTicket(c.var.principal, { region_code: row.region_code, agency_code: row.agency_code ?? null })) throw notFound(`Incident ${id}`)
      const reports = await selectReports(db).where('r.incident_id', '=', id).orderBy('r.reported_at').orderBy('r.id').execute()
      return c.json({ ...incidentView(row), reports: reports.map((r) => reportView(r, c.var.principal)) })
    })
    .post('/:id/merge', async (c) => {
      const { id } = parseOr422(IncidentIdParam, c.req.param(), 'incident id')
      const body = parseOr422(MergeBody, await readJson(c), 'merge')
      const r = await mergeIncidents(c.var.deps, c.var.principal, id, body.incident_id, body.reason)
      return c.json(r, 200)
    })
    .post('/:id/split', async (c) => {
      const { id } = parseOr422(IncidentIdParam, c.req.param(), 'incident id')
      const body = parseOr422(SplitBody, await readJson(c), 'split')
      const r = await splitIncident(c.var.deps, c.var.principal, id, body.report_ids, body.reason)
      return c.json(r, r.changed ? 201 : 200)
    })
}
