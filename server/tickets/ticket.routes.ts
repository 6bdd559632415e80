import { Hono } from 'hono'
import { z } from 'zod'
import { canReadTicketDetail, canSeeTicket, isCommandRoom, ticketScope } from '../auth/principal.js'
import { latestSeq } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound, parseOr422, readJson } from '../http/errors.js'
import { ratingLinksOf } from '../ratings/rating.repository.js'
import { ApiRatingInput } from '../ratings/rating.schema.js'
import { rateByApi } from '../ratings/rating.service.js'
import { selectReports } from '../reports/report.repository.js'
import { IdempotencyKey } from '../reports/report.schema.js'
import { reportView } from '../reports/report.view.js'
import { changeCategory } from './ticket.category.js'
import { ticketsCsv } from './ticket.export.js'
import { agencyTicketsOf } from './agency-ticket.repository.js'
import { addAgencyTicket, transitionAgencyTicket } from './agency-ticket.service.js'
import { agencyTicketView } from './agency-ticket.view.js'
import { findTicketFor, listTickets, privateIdentitiesOf, ticketHistory } from './ticket.repository.js'
import { OPEN_STATUSES } from './ticket.rules.js'
import { AddAgencyBody, AgencyTicketParam, CategoryBody, RouteBody, TicketIdParam, TicketListQuery, TransitionBody } from './ticket.schema.js'
import { rerouteTicket, transitionTicket } from './ticket.service.js'
import { redact, ticketView } from './ticket.view.js'

/** A queued update's client key (a field tablet retries with the same one until it gets an answer). */
const KeyHeader = z.object({ 'Idempotency-Key': IdempotencyKey })

export function ticketRoutes() {
  const app = new Hono<AppEnv>()
  const list = async (q: ReturnType<typeof TicketListQuery.parse>, p: AppEnv['Variables']['principal'], db: AppEnv['Variables']['deps']['db']['db']) =>
    listTickets(
      db,
      {
        scope: ticketScope(p),
        statuses: q.open ? OPEN_STATUSES : q.statuses,
        agency: q.agency,
        region: q.region,
        category: q.category,
        emergency: q.emergency,
        breached: q.breached,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
      },
      new Date(),
    )
  return app
    .get('/', async (c) => {
      const q = parseOr422(TicketListQuery, c.req.query(), 'query')
      const db = c.var.deps.db.db
      const seq = await latestSeq(db)
      const now = new Date()
      const rows = await list(q, c.var.principal, db)
      return c.json({ seq, server_time: now.toISOString(), tickets: rows.map((r) => ticketView(r, now)) })
    })
    .get('/export.csv', async (c) => {
      if (!canReadTicketDetail(c.var.principal)) throw new AppError(403, 'forbidden', 'Exports are for signed-in users')
      const q = parseOr422(TicketListQuery, c.req.query(), 'query')
      const rows = await list(q, c.var.principal, c.var.deps.db.db)
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', 'attachment; filename="tickets.csv"')
      return c.body(await ticketsCsv(c.var.deps.db.db, rows, c.var.principal))
    })
    .get('/:id', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const p = c.var.principal
      if (!canReadTicketDetail(p)) throw new AppError(403, 'forbidden', 'Ticket details are for signed-in users')
      const db = c.var.deps.db.db
      // An agency with an added ticket here gets that ticket (ticketSource), not the lead's.
      const scope = ticketScope(p)
      const t = await findTicketFor(db, id, scope)
      if (!t || !canSeeTicket(p, t)) throw notFound(`Ticket ${id}`)
      const [allHistory, reports, identities, added] = await Promise.all([
        ticketHistory(db, id),
        selectReports(db).where('r.incident_id', '=', id).orderBy('r.reported_at').orderBy('r.id').execute(),
        privateIdentitiesOf(db, id),
        agencyTicketsOf(db, id),
      ])
      // An agency reads its own ticket's story: the lead's if it leads, its added ticket's if not.
      const own = 'agencyCode' in scope ? scope.agencyCode : null
      const leads = own === null || t.agency_ticket_id == null
      const history = allHistory.filter((h) => (h.kind.startsWith('agency_') ? own === null || h.agency_code === own : leads || h.kind === 'opened'))
      const now = new Date()
      return c.json({
        agency_tickets: added.filter((x) => own === null || x.agency_code === own).map((x) => agencyTicketView(x, now)),
        ...ticketView(t, now),
        resolution: { note: redact(t.resolution_note, identities, p), photo_ids: t.resolution_photo_ids },
        reject_reason: redact(t.reject_reason, identities, p),
        reject_code: t.reject_code,
        history: history.map((h) => ({
          id: Number(h.id),
          kind: h.kind,
          from: h.from_status,
          to: h.to_status,
          agency_code: h.agency_code,
          actor: { role: h.actor_role, name: h.actor_name },
          note: redact(h.note, identities, p),
          data: withoutKey(h.data),
          at: h.at.toISOString(),
        })),
        reports: reports.map((r) => reportView(r, p)),
      })
    })
    .post('/:id/transition', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const body = parseOr422(TransitionBody, await readJson(c), 'transition')
      const r = await transitionTicket(c.var.deps, c.var.principal, id, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) })
      return c.json(r)
    })
    .post('/:id/agencies', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const body = parseOr422(AddAgencyBody, await readJson(c), 'agency')
      const r = await addAgencyTicket(c.var.deps, c.var.principal, id, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) })
      return c.json(r, r.duplicate ? 200 : 201)
    })
    .post('/:id/agencies/:agency/transition', async (c) => {
      const { id, agency } = parseOr422(AgencyTicketParam, c.req.param(), 'ticket')
      const body = parseOr422(TransitionBody, await readJson(c), 'transition')
      return c.json(await transitionAgencyTicket(c.var.deps, c.var.principal, id, agency, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) }))
    })
    .post('/:id/route', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const body = parseOr422(RouteBody, await readJson(c), 'route')
      return c.json(await rerouteTicket(c.var.deps, c.var.principal, id, body.agency_code, body.reason, { fromAgency: body.from_agency }))
    })
    .post('/:id/category', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const body = parseOr422(CategoryBody, await readJson(c), 'category')
      return c.json(await changeCategory(c.var.deps, c.var.principal, id, body))
    })
    .get('/:id/rating-links', async (c) => {
      // For the channels that send the citizen their link (WhatsApp, SMS): command room only.
      if (!isCommandRoom(c.var.principal)) throw new AppError(403, 'forbidden', 'Rating links are for the command room')
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      return c.json({ links: await ratingLinksOf(c.var.deps.db.db, id) })
    })
    .post('/:id/ratings', async (c) => {
      const { id } = parseOr422(TicketIdParam, c.req.param(), 'ticket id')
      const input = parseOr422(ApiRatingInput, await readJson(c), 'rating')
      const r = await rateByApi(c.var.deps, c.var.principal, id, input.report_id, input.score, input.comment ?? null)
      return c.json(r, r.created ? 201 : 200)
    })
}

const keyOf = (header: string | undefined): string | null =>
  header === undefined ? null : parseOr422(KeyHeader, { 'Idempotency-Key': header }, 'header')['Idempotency-Key']

/** The client's Idempotency-Key is plumbing, not history: kept out of what people read. */
function withoutKey(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('idempotency_key' in data)) return data
  const { idempotency_key: _k, ...rest } = data as Record<string, unknown>
  return rest
}
