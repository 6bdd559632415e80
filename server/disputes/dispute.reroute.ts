import type { Transaction } from 'kysely'
import { resolveAgency } from '../agencies/agency.repository.js'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import { findIncident, refreshIncident } from '../incidents/incident.repository.js'
import { incidentView } from '../incidents/incident.view.js'
import { findTicket, insertTicketEvent } from '../tickets/ticket.repository.js'
import { isOpen } from '../tickets/ticket.rules.js'
import { ticketView } from '../tickets/ticket.view.js'
import type { DisputeRow } from './dispute.repository.js'

export interface Actor {
  user_id: string | null
  role: string
}

/**
 * What a decided dispute changes outside itself, in the deciding transaction: the report's
 * region (move), and its incident's region and, when that changes who handles it, the
 * ticket's agency. The incident takes the region most of its reports are in (as after a merge
 * or split), so one moved report of a large incident does not move the whole incident.
 */
export async function applyToIncident(trx: Transaction<Database>, d: DisputeRow, by: Actor, now: Date): Promise<void> {
  if (!d.incident_id) return
  const before = await findIncident(trx, d.incident_id, { forUpdate: true })
  if (!before) return
  await refreshIncident(trx, d.incident_id)
  const after = (await findIncident(trx, d.incident_id))!
  await appendEvent(trx, 'incident.updated', { incident: incidentView(after), cause: 'location_dispute', dispute_id: d.id })
  if (after.region_code === before.region_code) return
  await rerouteTicket(trx, d, by, now)
}

/** Hands an open, already routed ticket to the agency of its new region, if that is another one. */
async function rerouteTicket(trx: Transaction<Database>, d: DisputeRow, by: Actor, now: Date): Promise<void> {
  const t = await findTicket(trx, d.incident_id!, { forUpdate: true })
  if (!t || t.routed_at === null || !isOpen(t.status) || t.merged_into) return
  const agency = await resolveAgency(trx, t.category_code, t.region_code)
  // No agency covers the new region: the ticket stays with the one it has rather than with nobody.
  if (agency === null || agency === t.agency_code) return
  await trx.updateTable('incidents').set({ agency_code: agency, field_team: null, updated_at: now }).where('id', '=', t.id).execute()
  await insertTicketEvent(trx, {
    incident_id: t.id,
    kind: 'routed',
    agency_code: agency,
    actor_user_id: by.user_id,
    actor_role: by.role,
    note: `location dispute ${d.id}: moved to ${d.detected_name ?? d.detected_region_code}`,
    data: { from_agency: t.agency_code, dispute_id: d.id },
    at: now,
  })
  const view = ticketView((await findTicket(trx, t.id))!, now)
  await appendEvent(trx, 'ticket.routed', { ticket: view, from_agency: t.agency_code, cause: 'location_dispute', by })
}
