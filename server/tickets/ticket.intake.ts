import type { IntakeBatch, IntakeFields } from '../reports/intake.steps.js'
import { startLaporClocks } from './ticket.clocks.js'
import { findTicket } from './ticket.repository.js'
import { announceRouted, routeNewTicket } from './ticket.service.js'

/**
 * Intake step, after incident matching: announces the batch's new tickets, which the intake
 * statement inserted routed (agency, priority, SLA clocks: migrations/0008_route_at_intake.sql).
 * Adds `agency_code` and `emergency` to the intake answer and `report.created` (the WebSocket
 * filter uses the agency to decide which agency's staff see the report).
 */
export async function routeTicketStep({ trx, items }: IntakeBatch): Promise<IntakeFields[]> {
  const fresh = items.flatMap(({ incident }) => (incident?.ticket ? [incident.ticket] : []))
  // SP4N-LAPOR!'s verification clock, for the tickets a LAPOR! report opened (one statement, and only when there are some).
  const lapor = fresh.filter((t) => t.channels.includes('lapor'))
  if (lapor.length) for (const [id, due] of await startLaporClocks(trx, lapor.map((t) => t.id))) lapor.find((t) => t.id === id)!.lapor_verify_due_at = due
  await announceRouted(trx, fresh)
  const out: IntakeFields[] = []
  for (const { input, report, incident } of items) {
    const t = incident?.ticket
    if (t) out.push({ agency_code: t.agency_code, emergency: t.is_emergency })
    // A report that joined a routed ticket: nothing to do (most duplicates land here).
    else if (incident?.routed_at) out.push({ agency_code: incident.agency_code ?? null, emergency: incident.is_emergency })
    else if (input.incident_id !== undefined) out.push(await routeAttached(trx, report.id))
    // Not matched (matching off): no ticket.
    else out.push({})
  }
  return out
}

/** A report attached to a named incident (or an incident not routed yet): read it under its lock. */
async function routeAttached(trx: IntakeBatch['trx'], reportId: string): Promise<IntakeFields> {
  const row = await trx.selectFrom('reports').select('incident_id').where('id', '=', reportId).executeTakeFirst()
  if (!row?.incident_id) return {}
  const t = (await routeNewTicket(trx, row.incident_id)) ?? (await findTicket(trx, row.incident_id))
  return t ? { agency_code: t.agency_code, emergency: t.is_emergency } : {}
}
