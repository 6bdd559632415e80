import { Hono } from 'hono'
import { canSeeTicket, ticketScope } from '../auth/principal.js'
import type { AppEnv } from '../http/context.js'
import { notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { errorResponses, jsonResponse } from '../openapi/openapi.registry.js'
import { IncidentView, ReportView } from '../openapi/openapi.views.js'
import { z } from 'zod'
import { latestSeq } from '../events/event.repository.js'
import { selectReports } from '../reports/report.repository.js'
import { reportView } from '../reports/report.view.js'
import { findIncident, incidentFilterOf, listIncidents } from './incident.repository.js'
import { IncidentIdParam, IncidentListQuery, MergeBody, SplitBody } from './incident.schema.js'
import { mergeIncidents, splitIncident } from './incident.service.js'
import { incidentFeature, incidentView } from './incident.view.js'
import { findTicket } from '../tickets/ticket.repository.js'

const tags = ['incidents']
const geojson = (description: string) => ({ description, content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) } } })
const list = defineRoute({ method: 'get', path: '/api/incidents', tags, summary: 'Incidents as GeoJSON pins, with filters', query: IncidentListQuery, responses: { '200': geojson('Incident pins'), ...errorResponses } })
const one = defineRoute({
  method: 'get',
  path: '/api/incidents/:id',
  tags,
  summary: 'One incident with its reports',
  params: IncidentIdParam,
  names: { params: 'incident id' },
  responses: { '200': jsonResponse('OK', IncidentView.extend({ reports: z.array(ReportView) })), '404': { description: 'No such incident' }, ...errorResponses },
})
const merge = defineRoute({
  method: 'post',
  path: '/api/incidents/:id/merge',
  tags,
  summary: 'Merge the incident in the body into the one in the path',
  params: IncidentIdParam,
  body: MergeBody,
  names: { params: 'incident id', body: 'merge' },
  responses: { '200': { description: 'Merged' }, ...errorResponses },
})
const split = defineRoute({
  method: 'post',
  path: '/api/incidents/:id/split',
  tags,
  summary: 'Move the listed reports out of the incident into a new one',
  params: IncidentIdParam,
  body: SplitBody,
  names: { params: 'incident id', body: 'split' },
  responses: { '201': { description: 'Split' }, '200': { description: 'A retry of a split already made' }, ...errorResponses },
})

export function incidentRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const q = list.query(c)
      const db = c.var.deps.db.db
      // Read before the rows, as for reports: later events may repeat rows, none can be missed.
      const seq = await latestSeq(db)
      // A region head sees their regions' incidents, agency staff their agency's (as for tickets).
      const rows = await listIncidents(db, incidentFilterOf(q, ticketScope(c.var.principal)))
      c.header('Content-Type', 'application/geo+json; charset=utf-8')
      return c.body(JSON.stringify({ type: 'FeatureCollection', seq, features: rows.map(incidentFeature) }))
    })
    .get('/:id', async (c) => {
      const { id } = one.params(c)
      const db = c.var.deps.db.db
      const row = await findIncident(db, id)
      // Its added agencies (agency_tickets) see it as the lead's does.
      const ticket = row ? await findTicket(db, id) : undefined
      if (!row || !ticket || !canSeeTicket(c.var.principal, ticket)) throw notFound(`Incident ${id}`)
      const reports = await selectReports(db).where('r.incident_id', '=', id).orderBy('r.reported_at').orderBy('r.id').execute()
      return c.json({ ...incidentView(row), reports: reports.map((r) => reportView(r, c.var.principal)) })
    })
    .post('/:id/merge', async (c) => {
      const { id } = merge.params(c)
      const body = await merge.body(c)
      const r = await mergeIncidents(c.var.deps, c.var.principal, id, body.incident_id, body.reason)
      return c.json(r, 200)
    })
    .post('/:id/split', async (c) => {
      const { id } = split.params(c)
      const body = await split.body(c)
      const r = await splitIncident(c.var.deps, c.var.principal, id, body.report_ids, body.reason)
      return c.json(r, r.changed ? 201 : 200)
    })
}
