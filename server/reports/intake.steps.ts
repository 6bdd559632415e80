import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { matchIncidentStep } from '../incidents/incident.intake.js'
import { locationCheckStep } from '../locations/location.intake.js'
import type { LocationCheckRow } from '../locations/location.repository.js'
import { routeTicketStep } from '../tickets/ticket.intake.js'
import type { Deps } from '../http/context.js'
import type { IntakeIncident } from './intake.repository.js'
import type { ReportRow } from './report.repository.js'
import type { ReportInput } from './report.schema.js'
import { contactConsentStep, mediaUrlStep } from './report.media.js'

/** One report of a batch, as stored. */
export interface IntakeItem {
  input: ReportInput
  report: ReportRow
  /** The location check, made as the report was stored. */
  check: LocationCheckRow
  /** The incident matching joined or opened as the report was stored; null when the sender named one or matching is off. */
  incident: IntakeIncident | null
  /** A named incident_id must lie near the report (a citizen's "saya juga", not staff). */
  attachNearOnly: boolean
}

/** The reports stored together in one intake transaction (intake.queue.ts). */
export interface IntakeBatch {
  trx: Transaction<Database>
  deps: Deps
  items: IntakeItem[]
}

/**
 * What a step adds to the intake answer and to the `report.created` event (for example
 * `location_check`, `incident_id`). Must hold no reporter identity: it goes on the socket.
 */
export type IntakeFields = Record<string, unknown>

/**
 * Work done inside the intake transaction after the batch's reports are stored, in this order,
 * for the whole batch at once (one statement for all its disputes). Returns each item's fields,
 * in the batch's order. The location check, the incident match and a new ticket's routing are
 * made by the statement that stores the reports (intake.repository.ts insertCheckedReports);
 * the steps act on the outcome.
 */
export type IntakeStep = (batch: IntakeBatch) => Promise<IntakeFields[]>

/**
 * The steps every new report goes through, each inside the one intake transaction.
 * Feature modules register theirs here.
 */
export const INTAKE_STEPS: IntakeStep[] = [
  // claimed vs detected region: a mismatch opens a dispute (issue 4)
  locationCheckStep,
  matchIncidentStep,
  // announces the new tickets (routed as they were inserted) and routes an attached report's
  // incident that was not routed yet
  routeTicketStep,
  // a media_url posted with the report (issue 17)
  mediaUrlStep,
  // a caller's consent to status messages (issue 19)
  contactConsentStep,
]
