import { sql, type Transaction } from 'kysely'
import { isCommandRoom, ticketScope, type Principal } from '../auth/principal.js'
import { findAgency } from '../agencies/agency.repository.js'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { agencyTicketByKey, dueTimes, findAgencyTicket, type AgencyTicketRow } from './agency-ticket.repository.js'
import { agencyTicketView, type AgencyTicketView } from './agency-ticket.view.js'
import { findTicket, findTicketFor, insertTicketEvent, type TicketRow } from './ticket.repository.js'
import { canMoveAgencyTicket, isClosed, mayMove, type TicketStatus } from './ticket.rules.js'
import type { AddAgencyBody, TransitionBody } from './ticket.schema.js'
import { actorOf, requirePhotos } from './ticket.change.js'
import { ticketView, type TicketView } from './ticket.view.js'

export interface AgencyTicketResult {
  agency_ticket: AgencyTicketView
  /** The incident as the added agency works it (what its field screen lists). */
  ticket: TicketView
  changed: boolean
  duplicate?: boolean
}

/**
 * The live event of an added ticket. It is for that agency (and whoever sees the whole incident,
 * by region or everything), not for the lead agency or other added ones: server/auth/
 * event.filter.ts reads `agency_code` of `agency_ticket.*` events so.
 */
async function announce(trx: Transaction<Database>, type: 'agency_ticket.added' | 'agency_ticket.transitioned', lead: TicketRow, x: AgencyTicketRow, now: Date, extra: Record<string, unknown>) {
  const asAgency = (await findTicketFor(trx, lead.id, { all: false, agencyCode: x.agency_code }))!
  const view = agencyTicketView(x, now)
  await appendEvent(trx, type, {
    incident_id: lead.id,
    region_code: lead.region_code,
    agency_code: x.agency_code,
    agency_ticket: view,
    agency_view: ticketView(asAgency, now),
    ...extra,
  })
  return { agency_ticket: view, ticket: ticketView(asAgency, now) }
}

async function lockIncident(trx: Transaction<Database>, id: string): Promise<TicketRow> {
  const t = await findTicket(trx, id, { forUpdate: true })
  if (!t) throw notFound(`Ticket ${id}`)
  if (t.merged_into) throw new AppError(409, 'merged', `Ticket ${id} was merged into ${t.merged_into}; act on that one`)
  return t
}

/**
 * Adds another agency's ticket to an incident (command room only), already dispatched, with SLA
 * clocks from now by the incident's category. A retry with the same Idempotency-Key answers the
 * ticket it made; any other request for an agency that already has a ticket here gets 409.
 */
export async function addAgencyTicket(
  deps: Deps,
  p: Principal,
  id: string,
  body: AddAgencyBody,
  opts: { now?: Date; idempotencyKey?: string | null } = {},
): Promise<AgencyTicketResult> {
  const now = opts.now ?? new Date()
  const key = opts.idempotencyKey ?? null
  if (!isCommandRoom(p)) throw new AppError(403, 'forbidden', 'Only operators and admins add an agency to an incident')
  const result = await deps.db.db.transaction().execute(async (trx): Promise<AgencyTicketResult> => {
    const t = await lockIncident(trx, id)
    if (key !== null) {
      const earlier = await agencyTicketByKey(trx, id, key)
      if (earlier && earlier.agency_code !== body.agency_code)
        throw new AppError(422, 'idempotency_key_reused', `This Idempotency-Key added ${earlier.agency_code} to ticket ${id}, not ${body.agency_code}`, [
          { field: 'Idempotency-Key', message: 'already used for another agency' },
        ])
      if (earlier) {
        const asAgency = (await findTicketFor(trx, id, { all: false, agencyCode: earlier.agency_code }))!
        return { agency_ticket: agencyTicketView(earlier, now), ticket: ticketView(asAgency, now), changed: false, duplicate: true }
      }
    }
    if (isClosed(t.status)) throw new AppError(409, 'closed', `Ticket ${id} is ${t.status}: reopen it before adding an agency`)
    if (t.agency_code === body.agency_code) throw new AppError(409, 'agency_exists', `${body.agency_code} already leads ticket ${id}`)
    if (await findAgencyTicket(trx, id, body.agency_code))
      throw new AppError(409, 'agency_exists', `${body.agency_code} already has a ticket on incident ${id}`)
    const agency = await findAgency(trx, body.agency_code)
    if (!agency || !agency.active)
      throw new AppError(422, 'validation_failed', `Unknown agency "${body.agency_code}"`, [{ field: 'agency_code', message: 'unknown or inactive agency' }])
    const due = await dueTimes(trx, t.category_code, t.region_code, now)
    await trx
      .insertInto('agency_tickets')
      .values({
        incident_id: id,
        agency_code: body.agency_code,
        field_team: body.field_team ?? null,
        response_due_at: due.response_due_at,
        resolve_due_at: due.resolve_due_at,
        status_changed_at: now,
        idempotency_key: key,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const actor = actorOf(p)
    await insertTicketEvent(trx, {
      incident_id: id,
      kind: 'agency_added',
      to_status: 'dispatched',
      agency_code: body.agency_code,
      actor_user_id: actor.user_id,
      actor_role: actor.role,
      note: body.reason ?? null,
      data: { ...(body.field_team ? { field_team: body.field_team } : {}), ...(key !== null ? { idempotency_key: key } : {}) },
      at: now,
    })
    const x = (await findAgencyTicket(trx, id, body.agency_code))!
    const out = await announce(trx, 'agency_ticket.added', t, x, now, { by: actor })
    // The lead ticket's views carry added_agencies: the queues learn of the new one.
    await appendEvent(trx, 'ticket.agency_added', { ticket: ticketView((await findTicket(trx, id))!, now), agency_code_added: body.agency_code, by: actor })
    return { ...out, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}

/** The move made earlier under this client key on this agency's ticket, if any. */
async function moveByKey(trx: Transaction<Database>, incidentId: string, agency: string, key: string) {
  return trx
    .selectFrom('ticket_events')
    .select(['to_status'])
    .where('incident_id', '=', incidentId)
    .where('kind', '=', 'agency_transition')
    .where('agency_code', '=', agency)
    .where(sql<string>`data->>'idempotency_key'`, '=', key)
    .executeTakeFirst()
}

/**
 * Moves an added agency's ticket: its own staff and field officers (as on a lead ticket, by
 * role), or the command room. Same guards as the lead's: `from` (409 conflict), the allowed
 * moves (409), the role (403), an Idempotency-Key replay answering the first outcome.
 */
export async function transitionAgencyTicket(
  deps: Deps,
  p: Principal,
  id: string,
  agencyCode: string,
  body: TransitionBody,
  opts: { now?: Date; idempotencyKey?: string | null } = {},
): Promise<AgencyTicketResult> {
  const now = opts.now ?? new Date()
  const key = opts.idempotencyKey ?? null
  const scope = ticketScope(p)
  // Another agency's ticket is not there for this viewer (as a lead ticket out of scope).
  if ('agencyCode' in scope && scope.agencyCode !== agencyCode) throw notFound(`Ticket ${id} of ${agencyCode}`)
  if (body.agency_code !== undefined && body.agency_code !== agencyCode)
    throw new AppError(422, 'validation_failed', 'An added agency ticket stays with its agency: add the other agency instead', [
      { field: 'agency_code', message: 'cannot change the agency of an added ticket' },
    ])
  if (body.reject_code !== undefined)
    throw new AppError(422, 'validation_failed', 'An added agency ticket is withdrawn with a reason, not a reject kind', [{ field: 'reject_code', message: 'not for an added ticket' }])
  const result = await deps.db.db.transaction().execute(async (trx): Promise<AgencyTicketResult> => {
    const t = await lockIncident(trx, id)
    const x = await findAgencyTicket(trx, id, agencyCode, { forUpdate: true })
    if (!x) throw notFound(`Ticket ${id} of ${agencyCode}`)
    if ('regionCodes' in scope) throw new AppError(403, 'forbidden', `A ${p.role} may not make a ticket ${body.to}`)
    const same = async () => ({ agency_ticket: agencyTicketView(x, now), ticket: ticketView((await findTicketFor(trx, id, { all: false, agencyCode }))!, now) })
    const to: TicketStatus = body.to
    if (key !== null) {
      const earlier = await moveByKey(trx, id, agencyCode, key)
      if (earlier && earlier.to_status !== to)
        throw new AppError(422, 'idempotency_key_reused', `This Idempotency-Key was used to make ticket ${id} ${earlier.to_status}, not ${to}`, [
          { field: 'Idempotency-Key', message: 'already used for another change' },
        ])
      if (earlier) return { ...(await same()), changed: true, duplicate: true }
    }
    const redispatch = to === 'dispatched' && x.status === 'dispatched'
    if (x.status === to && !(redispatch && body.field_team !== undefined && body.field_team !== x.field_team)) return { ...(await same()), changed: false }
    if (body.from !== undefined && body.from !== x.status)
      throw new AppError(409, 'conflict', `The ${agencyCode} ticket of ${id} is ${x.status}, not ${body.from}; reload it`)
    if (!canMoveAgencyTicket(x.status, to)) throw new AppError(409, 'invalid_transition', `An added ${x.status} ticket cannot become ${to}`)
    const reopening = x.ended_at !== null && to === 'dispatched'
    if (!mayMove(p, x.status, to) || ((to === 'rejected' || reopening) && !isCommandRoom(p)))
      throw new AppError(403, 'forbidden', `A ${p.role} may not make this ticket ${to}`)
    if (reopening && !body.reason)
      throw new AppError(422, 'validation_failed', 'Handing an ended ticket over again needs a reason', [{ field: 'reason', message: 'required to reopen' }])
    if (body.photo_ids?.length) await requirePhotos(trx, id, body.photo_ids)
    const ending = to === 'resolved' || to === 'rejected'
    await trx
      .updateTable('agency_tickets')
      .set({
        status: to,
        status_changed_at: now,
        updated_at: now,
        first_response_at: x.first_response_at ?? now,
        ...(to === 'dispatched' && body.field_team !== undefined ? { field_team: body.field_team } : {}),
        ...(to === 'resolved' ? { resolved_at: now, resolution_note: body.note ?? null, resolution_photo_ids: body.photo_ids ?? [] } : {}),
        ...(to === 'rejected' ? { reject_reason: body.reason ?? null } : {}),
        ...(ending ? { ended_at: now } : {}),
        ...(reopening ? { ended_at: null, resolved_at: null } : {}),
      })
      .where('id', '=', x.id)
      .execute()
    const actor = actorOf(p)
    await insertTicketEvent(trx, {
      incident_id: id,
      kind: 'agency_transition',
      from_status: x.status,
      to_status: to,
      agency_code: agencyCode,
      actor_user_id: actor.user_id,
      actor_role: actor.role,
      note: body.reason ?? body.note ?? null,
      data: {
        ...(body.field_team ? { field_team: body.field_team } : {}),
        ...(body.photo_ids?.length ? { photo_ids: body.photo_ids } : {}),
        ...(body.reason && body.note ? { detail: body.note } : {}),
        ...(key !== null ? { idempotency_key: key } : {}),
      },
      at: now,
    })
    const after = (await findAgencyTicket(trx, id, agencyCode))!
    const out = await announce(trx, 'agency_ticket.transitioned', t, after, now, { from: x.status, to, by: actor, has_note: Boolean(body.note ?? body.reason) })
    return { ...out, changed: true }
  })
  if (result.changed && !result.duplicate) deps.feed.poke()
  return result
}
