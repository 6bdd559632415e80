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
  const row = await trx.selectFrom('reports').select('incident_id').where('id', '=', report.id).executeTakeFirst()
  if (!row?.incident_id) return {}
  const t = (await routeNewTicket(trx, deps, row.incident_id)) ?? (await findTicket(trx, row.incident_id))
  return t ? { agency_code: t.agency_code, emergency: t.is_emergency } : {}
}
