import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { matchIncidentStep } from '../incidents/incident.intake.js'
import { locationCheckStep } from '../locations/location.intake.js'
import { routeTicketStep } from '../tickets/ticket.intake.js'
import type { Deps } from '../http/context.js'
import type { ReportRow } from './report.repository.js'
import type { ReportInput } from './report.schema.js'

export interface IntakeContext {
  trx: Transaction<Database>
  deps: Deps
  input: ReportInput
  report: ReportRow
}

/**
 * What a step adds to the intake answer and to the `report.created` event (for example
 * `location_check`, `incident_id`). Must hold no reporter identity: it goes on the socket.
 */
export type IntakeFields = Record<string, unknown>

/** Work done inside the intake transaction after the report row is stored, in this order. */
export type IntakeStep = (ctx: IntakeContext) => Promise<IntakeFields>

/**
 * The steps every new report goes through, each inside the one intake transaction.
 * Feature modules register theirs here (location check before incident matching, so the
 * incident sees the checked region).
 */
export const INTAKE_STEPS: IntakeStep[] = [
  // claimed vs detected region, first: the incident takes the region it leaves (issue 4)
  locationCheckStep,
  matchIncidentStep,
  // the new ticket's agency, priority and SLA clocks (after matching: it routes the incident)
  routeTicketStep,
]
