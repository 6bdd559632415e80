import { sql } from 'kysely'
import { isCommandRoom, type Principal } from '../auth/principal.js'
import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { findTicket, insertTicketEvent } from './ticket.repository.js'
import { actorOf } from './ticket.change.js'
import type { ChangeResult } from './ticket.service.js'
import { ticketView } from './ticket.view.js'

/**
 * Gives a ticket another category (a report filed under the wrong one) and works out again
 * what follows from the category: the agency (by the routing rules for its region), priority,
 * emergency flag and both SLA due times, counted from when the ticket was created, as if it
 * had come in under the right category, less the time it waited for its reporter (the pause
 * credit stored on the ticket). A new agency starts without the old one's field team.
 * A breach flagged under the old clocks is cleared when the new clock has not run out.
 */
export async function changeCategory(
  deps: Deps,
  p: Principal,
  id: string,
  body: { category_code: string; reason: string; from_category?: string | undefined },
  now = new Date(),
): Promise<ChangeResult> {
  if (!isCommandRoom(p)) throw new AppError(403, 'forbidden', 'Only operators and admins change a ticket\'s category')
  const category = await deps.categories.get(body.category_code)
  if (!category || !category.active)
    throw new AppError(422, 'validation_failed', `Unknown category "${body.category_code}"`, [{ field: 'category_code', message: 'unknown or inactive category' }])
  const result = await deps.db.db.transaction().execute(async (trx): Promise<ChangeResult> => {
    const t = await findTicket(trx, id, { forUpdate: true })
    if (!t) throw notFound(`Ticket ${id}`)
    if (t.merged_into) throw new AppError(409, 'merged', `Ticket ${id} was merged into ${t.merged_into}; act on that one`)
    if (t.category_code === body.category_code) return { ticket: ticketView(t, now), changed: false }
    if (body.from_category !== undefined && body.from_category !== t.category_code)
      throw new AppError(409, 'conflict', `Ticket ${id} is now ${t.category_code}, not ${body.from_category}; reload it`)
    const at = sql`${now.toISOString()}::timestamptz`
    await sql`
      UPDATE incidents x SET category_code = r.code, agency_code = r.agency_code, priority = r.priority, is_emergency = r.is_emergency,
        response_due_at = r.response_due_at, resolve_due_at = r.resolve_due_at,
        field_team = CASE WHEN r.agency_code IS DISTINCT FROM x.agency_code THEN NULL ELSE x.field_team END,
        response_breached_at = CASE WHEN r.response_due_at > coalesce(x.first_response_at, ${at}) THEN NULL ELSE x.response_breached_at END,
        resolve_breached_at = CASE WHEN r.resolve_due_at > coalesce(x.ended_at, ${at}) THEN NULL ELSE x.resolve_breached_at END,
        routed_at = coalesce(x.routed_at, ${at}), updated_at = ${at}, acted_at = ${at}
      FROM (SELECT ${body.category_code}::text AS code, t.* FROM incidents i, sigap_ticket_routing(${body.category_code}, i.region_code, i.created_at, i.paused_seconds, i.paused_working_seconds) t
            WHERE i.id = ${id}::uuid) r
      WHERE x.id = ${id}::uuid`.execute(trx)
    const after = (await findTicket(trx, id))!
    const actor = actorOf(p)
    await insertTicketEvent(trx, {
      incident_id: id,
      kind: 'category_changed',
      agency_code: after.agency_code,
      actor_user_id: actor.user_id,
      actor_role: actor.role,
      note: body.reason,
      data: {
        from_category: t.category_code,
        to_category: after.category_code,
        ...(after.agency_code !== t.agency_code ? { from_agency: t.agency_code } : {}),
        ...(after.is_emergency !== t.is_emergency ? { emergency: after.is_emergency } : {}),
      },
      at: now,
    })
    const view = ticketView(after, now)
    await appendEvent(trx, 'ticket.recategorized', { ticket: view, from_category: t.category_code, from_agency: t.agency_code, by: actor })
    return { ticket: view, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}
