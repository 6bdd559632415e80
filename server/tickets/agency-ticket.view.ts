import { clocksView } from './late.js'
import type { AgencyTicketRow } from './agency-ticket.repository.js'

/** An added agency's ticket as JSON: its state and clocks; staff-written text is in the detail only. */
export function agencyTicketView(r: AgencyTicketRow, now: Date) {
  return {
    id: r.id,
    incident_id: r.incident_id,
    agency: { code: r.agency_code, name: r.agency_name ?? r.agency_code },
    status: r.status,
    open: r.ended_at === null,
    field_team: r.field_team,
    created_at: r.created_at.toISOString(),
    status_changed_at: r.status_changed_at.toISOString(),
    // The incident's merge and the ticket's own moves; an added ticket never pauses and its staff's
    // moves are its changes of state (agencyTicketRows reads it the same way).
    sla: clocksView({ ...r, paused_at: null, acted_at: null }, now),
  }
}
export type AgencyTicketView = ReturnType<typeof agencyTicketView>
