import { Hono } from 'hono'
import type { AppEnv } from '../http/context.js'
import { notFound } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { latestSeq } from '../events/event.repository.js'
import { findReportById } from '../reports/report.repository.js'
import { reportView } from '../reports/report.view.js'
import { canDecideDispute, canProposeDispute, canSeeDispute, disputeScope } from './dispute.access.js'
import { disputeGeometry, disputeHistory, findDispute, listDisputes, photoEvidence } from './dispute.repository.js'
import { DisputeIdParam, DisputeListQuery, DisputeStep } from './dispute.schema.js'
import { decideDispute, proposeDispute } from './dispute.service.js'
import { actionView, disputeView } from './dispute.view.js'
import { roundMetres } from '../locations/location.view.js'
import { canSeeReporter, ticketScope } from '../auth/principal.js'
import { reportInScope } from '../tickets/ticket.scope.js'

const geo = (text: string | null): unknown => (text === null ? null : JSON.parse(text))

const tags = ['disputes']
const list = defineRoute({ method: 'get', path: '/api/disputes', tags, summary: 'Location disputes, filtered by region and state', query: DisputeListQuery })
const one = defineRoute({ method: 'get', path: '/api/disputes/:id', tags, summary: 'One location dispute with its history', params: DisputeIdParam, names: { params: 'dispute id' } })
const propose = defineRoute({ method: 'post', path: '/api/disputes/:id/propose', tags, summary: 'Propose how to settle a dispute', params: DisputeIdParam, body: DisputeStep, names: { params: 'dispute id', body: 'proposal' } })
const decide = defineRoute({ method: 'post', path: '/api/disputes/:id/decide', tags, summary: 'Decide a dispute: move, keep or return', params: DisputeIdParam, body: DisputeStep, names: { params: 'dispute id', body: 'decision' } })

export function disputeRoutes() {
  return new Hono<AppEnv>()
    .get('/', async (c) => {
      const q = list.query(c)
      const { db } = c.var.deps.db
      const hours = c.var.deps.config.SIGAP_DISPUTE_OVERDUE_HOURS
      const now = new Date()
      // Read before the rows: later events may repeat rows in the answer, none can be missed.
      const seq = await latestSeq(db)
      const rows = await listDisputes(db, {
        scope: disputeScope(c.var.principal),
        region: q.region,
        states: q.state,
        overdue: q.overdue,
        overdueHours: hours,
        minAgeHours: q.min_age_hours,
        maxAgeHours: q.max_age_hours,
        order: q.order,
        limit: q.limit,
        now,
      })
      return c.json({ seq, overdue_hours: hours, disputes: rows.map((d) => disputeView(d, now, hours)) })
    })
    .get('/:id', async (c) => {
      const { id } = one.params(c)
      const { db } = c.var.deps.db
      const p = c.var.principal
      const d = await findDispute(db, id)
      // Out of scope answers as absent: a head learns nothing of other regions' disputes.
      if (!d || !canSeeDispute(p, d)) throw notFound(`Dispute ${id}`)
      const now = new Date()
      const [report, inScope, shapes, photos, history] = await Promise.all([
        findReportById(db, d.report_id),
        // Everyone who reads the map sees a dispute; only those whose scope holds the report see who sent it.
        reportInScope(db, d.report_id, ticketScope(p)),
        disputeGeometry(db, id),
        photoEvidence(db, d.report_id),
        disputeHistory(db, id),
      ])
      const mayLocate = report !== undefined && inScope && canSeeReporter(p, report.reporter_private)
      const tolerance = Math.max(d.accuracy_m ?? 0, c.var.deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
      return c.json({
        ...disputeView(d, now, c.var.deps.config.SIGAP_DISPUTE_OVERDUE_HOURS),
        report: report ? reportView(report, p, inScope) : null,
        geometry: {
          point: { type: 'Point', coordinates: [d.lon, d.lat] },
          claimed_region: geo(shapes.claimed),
          detected_region: geo(shapes.detected),
          line_to_point: geo(shapes.line),
        },
        evidence: {
          claim_text: d.claim_text,
          distance_m: roundMetres(d.distance_m),
          accuracy_m: d.accuracy_m,
          tolerance_m: tolerance,
          photos: photos.map((ph) => ({
            id: ph.id,
            taken_at: ph.taken_at?.toISOString() ?? null,
            // Where a camera stood can be a reporter's home: only those who may see this reporter get it.
            exif_location: mayLocate && ph.exif_lat !== null && ph.exif_lon !== null ? { lat: ph.exif_lat, lon: ph.exif_lon } : null,
            exif_region: ph.exif_region_code ? { code: ph.exif_region_code, name: ph.exif_region_name ?? ph.exif_region_code } : null,
          })),
        },
        history: history.map(actionView),
        /** What this viewer may do here (the screen shows the buttons accordingly). */
        can: { propose: canProposeDispute(p, d), decide: canDecideDispute(p, d) },
      })
    })
    .post('/:id/propose', async (c) => {
      const { id } = propose.params(c)
      const step = await propose.body(c)
      const r = await proposeDispute(c.var.deps, c.var.principal, id, step)
      return c.json({ ...r.dispute, changed: r.changed })
    })
    .post('/:id/decide', async (c) => {
      const { id } = decide.params(c)
      const step = await decide.body(c)
      const r = await decideDispute(c.var.deps, c.var.principal, id, step)
      return c.json({ ...r.dispute, changed: r.changed })
    })
}
