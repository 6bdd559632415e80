import { sql, type Transaction } from 'kysely'
import { canActOnTicket, isCommandRoom, ticketScope, type Principal } from '../auth/principal.js'
import { findAgency } from '../agencies/agency.repository.js'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { createRatingLinks } from '../ratings/rating.repository.js'
import { transitionAgencyTicket } from './agency-ticket.service.js'
import { actorOf, requirePhotos } from './ticket.change.js'
import { clocksOnMove, startLaporClocks } from './ticket.clocks.js'
import { findTicket, insertTicketEvent, routeTicketRows, type TicketRow } from './ticket.repository.js'
import { canMove, isClosed, mayMove, type TicketStatus } from './ticket.rules.js'
import type { TransitionBody } from './ticket.schema.js'
import { ticketView, type TicketView } from './ticket.view.js'


/**
 * Gives a new ticket its agency (category + region), priority, emergency flag and SLA due
 * times, once. Called by the SLA checker for incidents made some other way (splits, imports)
 * and by intake for a report attached to a named incident (intake routes the incidents it
 * opens as it inserts them). Returns null if it was already routed.
 */
export async function routeNewTicket(trx: Transaction<Database>, incidentId: string, now = new Date()): Promise<TicketRow | null> {
  const t = await findTicket(trx, incidentId, { forUpdate: true })
  if (!t || t.routed_at !== null) return null
  const [routed] = await routeTicketRows(trx, [t.id], now)
  if (!routed) return null
  const after = (await startLaporClocks(trx, [t.id])).size ? (await findTicket(trx, t.id))! : routed
  await announceRouted(trx, [after], now)
  return after
}

/** A `ticket.routed` event for each ticket just routed (by routeNewTicket, or by intake). */
export async function announceRouted(trx: Transaction<Database>, routed: TicketRow[], now = new Date()): Promise<void> {
  for (const after of routed) await appendEvent(trx, 'ticket.routed', { ticket: ticketView(after, now), from_agency: null, cause: 'new' })
}

async function loadForChange(trx: Transaction<Database>, p: Principal, id: string): Promise<TicketRow> {
  const t = await findTicket(trx, id, { forUpdate: true })
  if (!t || !canActOnTicket(p, t)) throw notFound(`Ticket ${id}`)
  if (t.merged_into) throw new AppError(409, 'merged', `Ticket ${id} was merged into ${t.merged_into}; act on that one`)
  return t
}

export interface ChangeResult {
  ticket: TicketView
  /** false when the ticket was already in the asked state (a retry): nothing changed. */
  changed: boolean
  /** true when this Idempotency-Key was used before: the change was made then, not now. */
  duplicate?: boolean
}

/**
 * The transition made earlier under this client key, if any. The key lives in the history
 * row's data, so a replay is found under the ticket's row lock and needs no table of its own.
 */
async function transitionByKey(trx: Transaction<Database>, incidentId: string, key: string) {
  return trx
    .selectFrom('ticket_events')
    .select(['to_status'])
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'transition')
    .where(sql<string>`data->>'idempotency_key'`, '=', key)
    .executeTakeFirst()
}

/**
 * Moves a ticket through its lifecycle: checks the move and the role, records the history and
 * the event. With an Idempotency-Key (a field tablet's queued update, sent again after a lost
 * answer) a second request answers the first one's outcome and records nothing, even if the
 * ticket has moved on since.
 */
export async function transitionTicket(
  deps: Deps,
  p: Principal,
  id: string,
  body: TransitionBody,
  opts: { now?: Date; idempotencyKey?: string | null } = {},
): Promise<ChangeResult> {
  const now = opts.now ?? new Date()
  const key = opts.idempotencyKey ?? null
  // An agency that holds an added ticket on someone else's incident moves its own ticket here:
  // its field screen lists that ticket like any other and sends its moves to the same route.
  const scope = ticketScope(p)
  if ('agencyCode' in scope) {
    const lead = await findTicket(deps.db.db, id)
    if (lead && lead.agency_code !== scope.agencyCode && lead.added_agencies.includes(scope.agencyCode))
      return transitionAgencyTicket(deps, p, id, scope.agencyCode, body, opts)
  }
  const result = await deps.db.db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const t = await loadForChange(trx, p, id)
    const to: TicketStatus = body.to
    if (key !== null) {
      const earlier = await transitionByKey(trx, id, key)
      if (earlier && earlier.to_status !== to)
        throw new AppError(422, 'idempotency_key_reused', `This Idempotency-Key was used to make ticket ${id} ${earlier.to_status}, not ${to}`, [
          { field: 'Idempotency-Key', message: 'already used for another change' },
        ])
      if (earlier) return { ticket: ticketView(t, now), changed: true, duplicate: true }
    }
    const redispatch = to === 'dispatched' && t.status === 'dispatched'
    const agencyChange = body.agency_code !== undefined && body.agency_code !== t.agency_code
    if (t.status === to && !(redispatch && ((body.field_team !== undefined && body.field_team !== t.field_team) || agencyChange)))
      return { ticket: ticketView(t, now), changed: false }
    if (body.from !== undefined && body.from !== t.status)
      throw new AppError(409, 'conflict', `Ticket ${id} is ${t.status}, not ${body.from}; reload it`)
    if (!canMove(t.status, to)) throw new AppError(409, 'invalid_transition', `A ${t.status} ticket cannot become ${to}`)
    if (!mayMove(p, t.status, to)) throw new AppError(403, 'forbidden', `A ${p.role} may not make a ticket ${to}`)
    if (agencyChange && !isCommandRoom(p)) throw new AppError(403, 'forbidden', 'Only the command room re-routes a ticket to another agency')
    const agency = body.agency_code ?? t.agency_code
    if (to === 'dispatched' && !agency)
      throw new AppError(422, 'validation_failed', 'This ticket has no agency: say which one', [{ field: 'agency_code', message: 'required: the ticket has no agency' }])
    if (agencyChange && t.added_agencies.includes(body.agency_code!))
      throw new AppError(409, 'agency_exists', `${body.agency_code} already has its own ticket on incident ${id}`)
    if (agencyChange && !(await findAgency(trx, body.agency_code!)))
      throw new AppError(422, 'validation_failed', `Unknown agency "${body.agency_code}"`, [{ field: 'agency_code', message: 'unknown agency' }])
    if (body.photo_ids?.length) await requirePhotos(trx, id, body.photo_ids)

    const ending = isClosed(to)
    const clocks = await clocksOnMove(trx, t, to, now)
    await trx
      .updateTable('incidents')
      .set({
        status: to,
        status_changed_at: now,
        updated_at: now,
        first_response_at: t.first_response_at ?? now,
        ...(to === 'dispatched' ? { agency_code: agency, field_team: body.field_team ?? (agencyChange ? null : t.field_team) } : {}),
        ...(to === 'resolved' ? { resolved_at: now, resolution_note: body.note ?? null, resolution_photo_ids: body.photo_ids ?? [] } : {}),
        ...(to === 'rejected' ? { reject_reason: body.reason ?? null, reject_code: body.reject_code ?? null } : {}),
        ...(ending ? { ended_at: t.ended_at ?? now } : {}),
        ...(to === 'reopened' ? { ended_at: null, resolved_at: null } : {}),
        // The check team is the ticket's team while it checks; dispatch names the agency's own.
        ...(to === 'field_check' ? { field_team: body.field_team ?? null } : {}),
        // The pause, its credit and LAPOR!'s chained clocks (ticket.clocks.ts).
        ...clocks,
      })
      .where('id', '=', id)
      .execute()
    const resume = t.paused_at !== null && to !== 'waiting_reporter'
    const actor = actorOf(p)
    await insertTicketEvent(trx, {
      incident_id: id,
      kind: 'transition',
      from_status: t.status,
      to_status: to,
      agency_code: agency,
      actor_user_id: actor.user_id,
      actor_role: actor.role,
      note: body.reason ?? body.note ?? null,
      data: {
        ...(body.field_team ? { field_team: body.field_team } : {}),
        ...(body.reject_code ? { reject_code: body.reject_code } : {}),
        ...(resume ? { paused_minutes: Math.round((now.getTime() - t.paused_at!.getTime()) / 60_000) } : {}),
        ...(body.photo_ids?.length ? { photo_ids: body.photo_ids } : {}),
        ...(body.reason && body.note ? { detail: body.note } : {}),
        ...(key !== null ? { idempotency_key: key } : {}),
      },
      at: now,
    })
    if (to === 'resolved') await createRatingLinks(trx, id)
    const after = (await findTicket(trx, id))!
    const view = ticketView(after, now)
    // Staff-written text stays out of the live stream: only whether there is some.
    await appendEvent(trx, 'ticket.transitioned', { ticket: view, from: t.status, to, by: actor, has_note: Boolean(body.note ?? body.reason) })
    return { ticket: view, changed: true }
  })
  if (result.changed && !result.duplicate) deps.feed.poke()
  return result
}

/** Hands a ticket to another agency, with a reason (command room only). */
export async function rerouteTicket(
  deps: Deps,
  p: Principal,
  id: string,
  agencyCode: string,
  reason: string,
  opts: { now?: Date; fromAgency?: string | null | undefined } = {},
): Promise<ChangeResult> {
  const now = opts.now ?? new Date()
  if (!isCommandRoom(p)) throw new AppError(403, 'forbidden', 'Only operators and admins re-route tickets')
  const result = await deps.db.db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const t = await loadForChange(trx, p, id)
    if (t.agency_code === agencyCode) return { ticket: ticketView(t, now), changed: false }
    // Two operators forwarding the same ticket: the second one learns of the first, not overwrites it.
    if (opts.fromAgency !== undefined && opts.fromAgency !== t.agency_code)
      throw new AppError(409, 'conflict', `Ticket ${id} is now with ${t.agency_code ?? 'no agency'}, not ${opts.fromAgency ?? 'no agency'}; reload it`)
    // One ticket per agency on an incident: the lead cannot go to an agency that holds an added one.
    if (t.added_agencies.includes(agencyCode)) throw new AppError(409, 'agency_exists', `${agencyCode} already has its own ticket on incident ${id}`)
    if (!(await findAgency(trx, agencyCode)))
      throw new AppError(422, 'validation_failed', `Unknown agency "${agencyCode}"`, [{ field: 'agency_code', message: 'unknown agency' }])
    // A new agency starts with no field team of the old one.
    await trx.updateTable('incidents').set({ agency_code: agencyCode, field_team: null, updated_at: now, acted_at: now, routed_at: t.routed_at ?? now }).where('id', '=', id).execute()
    const actor = actorOf(p)
    await insertTicketEvent(trx, {
      incident_id: id,
      kind: 'routed',
      agency_code: agencyCode,
      actor_user_id: actor.user_id,
      actor_role: actor.role,
      note: reason,
      data: { from_agency: t.agency_code },
      at: now,
    })
    const view = ticketView((await findTicket(trx, id))!, now)
    await appendEvent(trx, 'ticket.routed', { ticket: view, from_agency: t.agency_code, cause: 'reroute', by: actor })
    return { ticket: view, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}
