import { Hono } from 'hono'
import { z } from 'zod'
import { canReadTicketDetail, canSeeTicket, isCommandRoom, ticketScope } from '../auth/principal.js'
import { latestSeq } from '../events/event.repository.js'
import type { AppEnv } from '../http/context.js'
import { AppError, notFound, parseOr422 } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
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

const tags = ['tickets']
const listRoute = defineRoute({ method: 'get', path: '/api/tickets', tags, summary: 'Tickets (incidents with their lifecycle), scoped to the role', query: TicketListQuery })
const csvRoute = defineRoute({ method: 'get', path: '/api/tickets/export.csv', tags, summary: 'Tickets as CSV', query: TicketListQuery })
const one = defineRoute({ method: 'get', path: '/api/tickets/:id', tags, summary: 'One ticket with its history', params: TicketIdParam, names: { params: 'ticket id' } })
const move = defineRoute({ method: 'post', path: '/api/tickets/:id/transition', tags, summary: 'Move a ticket to another state', params: TicketIdParam, body: TransitionBody, names: { params: 'ticket id', body: 'transition' } })
const addAgency = defineRoute({
  method: 'post',
  path: '/api/tickets/:id/agencies',
  tags,
  summary: "Add another agency's ticket to the incident (command room; Idempotency-Key; 409 agency_exists)",
  params: TicketIdParam,
  body: AddAgencyBody,
  names: { params: 'ticket id', body: 'agency' },
})
const moveAdded = defineRoute({
  method: 'post',
  path: '/api/tickets/:id/agencies/:agency/transition',
  tags,
  summary: "Move an added agency's ticket on the incident",
  params: AgencyTicketParam,
  body: TransitionBody,
  names: { params: 'ticket', body: 'transition' },
})
const reroute = defineRoute({ method: 'post', path: '/api/tickets/:id/route', tags, summary: 'Re-route a ticket to another agency, with a reason', params: TicketIdParam, body: RouteBody, names: { params: 'ticket id', body: 'route' } })
const recategorize = defineRoute({
  method: 'post',
  path: '/api/tickets/:id/category',
  tags,
  summary: "Change a ticket's category (re-routes it and works out its priority, emergency flag and SLA again)",
  params: TicketIdParam,
  body: CategoryBody,
  names: { params: 'ticket id', body: 'category' },
})
const ratingLinks = defineRoute({ method: 'get', path: '/api/tickets/:id/rating-links', tags, summary: "Rating links for a resolved ticket's reporters", params: TicketIdParam, names: { params: 'ticket id' } })
const rate = defineRoute({ method: 'post', path: '/api/tickets/:id/ratings', tags, summary: 'Record a rating given through another channel', params: TicketIdParam, body: ApiRatingInput, names: { params: 'ticket id', body: 'rating' } })

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
      const q = listRoute.query(c)
      const db = c.var.deps.db.db
      const seq = await latestSeq(db)
      const now = new Date()
      const rows = await list(q, c.var.principal, db)
      return c.json({ seq, server_time: now.toISOString(), tickets: rows.map((r) => ticketView(r, now)) })
    })
    .get('/export.csv', async (c) => {
      if (!canReadTicketDetail(c.var.principal)) throw new AppError(403, 'forbidden', 'Exports are for signed-in users')
      const q = csvRoute.query(c)
      const rows = await list(q, c.var.principal, c.var.deps.db.db)
      c.header('Content-Type', 'text/csv; charset=utf-8')
      c.header('Content-Disposition', 'attachment; filename="tickets.csv"')
      return c.body(await ticketsCsv(c.var.deps.db.db, rows, c.var.principal))
    })
    .get('/:id', async (c) => {
      const { id } = one.params(c)
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
      const { id } = move.params(c)
      const body = await move.body(c)
      const r = await transitionTicket(c.var.deps, c.var.principal, id, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) })
      return c.json(r)
    })
    .post('/:id/agencies', async (c) => {
      const { id } = addAgency.params(c)
      const body = await addAgency.body(c)
      const r = await addAgencyTicket(c.var.deps, c.var.principal, id, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) })
      return c.json(r, r.duplicate ? 200 : 201)
    })
    .post('/:id/agencies/:agency/transition', async (c) => {
      const { id, agency } = moveAdded.params(c)
      const body = await moveAdded.body(c)
      return c.json(await transitionAgencyTicket(c.var.deps, c.var.principal, id, agency, body, { idempotencyKey: keyOf(c.req.header('idempotency-key')) }))
    })
    .post('/:id/route', async (c) => {
      const { id } = reroute.params(c)
      const body = await reroute.body(c)
      return c.json(await rerouteTicket(c.var.deps, c.var.principal, id, body.agency_code, body.reason, { fromAgency: body.from_agency }))
    })
    .post('/:id/category', async (c) => {
      const { id } = recategorize.params(c)
      const body = await recategorize.body(c)
      return c.json(await changeCategory(c.var.deps, c.var.principal, id, body))
    })
    .get('/:id/rating-links', async (c) => {
      // For the channels that send the citizen their link (WhatsApp, SMS): command room only.
      if (!isCommandRoom(c.var.principal)) throw new AppError(403, 'forbidden', 'Rating links are for the command room')
      const { id } = ratingLinks.params(c)
      return c.json({ links: await ratingLinksOf(c.var.deps.db.db, id) })
    })
    .post('/:id/ratings', async (c) => {
      const { id } = rate.params(c)
      const input = await rate.body(c)
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
