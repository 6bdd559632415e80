import type { IntakeBatch, IntakeFields } from '../reports/intake.steps.js'
import { findTicket } from './ticket.repository.js'
import { routeNewTicket, routeTickets } from './ticket.service.js'

/**
 * Intake step, after incident matching: the batch's new incidents (tickets) get their agency,
 * priority and SLA clocks, all in one statement. Adds `agency_code` and `emergency` to the
 * intake answer and `report.created` (the WebSocket filter uses the agency to decide which
 * agency's staff see the report).
 */
export async function routeTicketStep({ trx, deps, items }: IntakeBatch): Promise<IntakeFields[]> {
  // Opened by this very transaction: no one else can see them yet, so no lock to take.
  const fresh = items.flatMap(({ incident }) => (incident?.is_new && incident.routed_at === null ? [incident] : []))
  const routed = new Map((await routeTickets(trx, deps, fresh.map((t) => ({ ticket: t, known: t.route })))).map((t) => [t.id, t]))
  const out: IntakeFields[] = []
  for (const { input, report, incident } of items) {
    const t = incident ? routed.get(incident.id) : undefined
    if (t) out.push({ agency_code: t.agency_code, emergency: t.is_emergency })
    // A report that joined a routed ticket: nothing to do (most duplicates land here).
    else if (incident?.routed_at) out.push({ agency_code: incident.agency_code ?? null, emergency: incident.is_emergency })
    else if (input.incident_id !== undefined) out.push(await routeAttached(trx, deps, report.id))
    // Not matched (matching off): no ticket.
    else out.push({})
  }
  return out
}

/** A report attached to a named incident (or an incident not routed yet): read it under its lock. */
async function routeAttached(trx: IntakeBatch['trx'], deps: IntakeBatch['deps'], reportId: string): Promise<IntakeFields> {
  const row = await trx.selectFrom('reports').select('incident_id').where('id', '=', reportId).executeTakeFirst()
  if (!row?.incident_id) return {}
  const t = (await routeNewTicket(trx, deps, row.incident_id)) ?? (await findTicket(trx, row.incident_id))
  return t ? { agency_code: t.agency_code, emergency: t.is_emergency } : {}
}
