import { resolveLate, responseLate } from './late.js'
import type { AgencyTicketRow } from './agency-ticket.repository.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

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
    sla: {
      response_due_at: iso(r.response_due_at),
      resolve_due_at: iso(r.resolve_due_at),
      first_response_at: iso(r.first_response_at),
      resolved_at: iso(r.resolved_at),
      response_breached: responseLate(r, now),
      resolve_breached: resolveLate(r, now),
    },
  }
}
export type AgencyTicketView = ReturnType<typeof agencyTicketView>
