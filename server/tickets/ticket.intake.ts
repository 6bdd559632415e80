import type { IntakeContext, IntakeFields } from '../reports/intake.steps.js'
import { findTicket } from './ticket.repository.js'
import { routeNewTicket } from './ticket.service.js'

/**
 * Intake step, after incident matching: a new incident (ticket) gets its agency, priority and
 * SLA clocks. Adds `agency_code` and `emergency` to the intake answer and `report.created`
 * (the WebSocket filter uses the agency to decide which agency's staff see the report).
 */
export async function routeTicketStep({ trx, deps, report }: IntakeContext): Promise<IntakeFields> {
  // The matching step linked the report to its incident in the database, not in `report`.
  const row = await trx
    .selectFrom('reports as r')
    .leftJoin('incidents as i', 'i.id', 'r.incident_id')
    .select(['r.incident_id', 'i.routed_at', 'i.agency_code', 'i.is_emergency'])
    .where('r.id', '=', report.id)
    .executeTakeFirst()
  if (!row?.incident_id) return {}
  // A report that joined a routed ticket: one read, no lock (most duplicates land here).
  if (row.routed_at !== null) return { agency_code: row.agency_code, emergency: row.is_emergency }
  const t = (await routeNewTicket(trx, deps, row.incident_id)) ?? (await findTicket(trx, row.incident_id))
  return t ? { agency_code: t.agency_code, emergency: t.is_emergency } : {}
}
