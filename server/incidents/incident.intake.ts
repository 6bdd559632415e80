import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import { AppError } from '../http/errors.js'
import type { IntakeContext, IntakeFields } from '../reports/intake.steps.js'
import type { ReportRow } from '../reports/report.repository.js'
import { matchLockKeys } from './incident.locks.js'
import { CLOSED_STATUSES, findIncident, joinOrOpenIncident, lockKeys, moveReports, refreshIncident, type IncidentRow } from './incident.repository.js'
import { matchRules } from './incident.rules.js'
import { incidentView } from './incident.view.js'

// Read at start-up: a bad SIGAP_INCIDENT_RULES stops the server instead of failing every intake.
matchRules()

/**
 * Intake step: the new report joins the open incident it duplicates or opens one. Runs inside
 * the intake transaction, after the location check (the incident takes the report's region as
 * that step left it), under advisory locks on the cells around the report so that
 * simultaneous reports of one place make one incident.
 */
export async function matchIncidentStep({ trx, report, input }: IntakeContext): Promise<IntakeFields> {
  if (input.incident_id !== undefined) return attachToIncident(trx, report, input.incident_id)
  const rules = matchRules()
  const category = report.category_code
  const rule = rules.rule(category)
  const incident = await joinOrOpenIncident(trx, {
    reportId: report.id,
    categories: rules.groupMembers(category),
    radiusM: rule.radius_m,
    windowH: rule.window_h,
    lat: report.lat,
    lockKeys: matchLockKeys(rules.group(category), rules.groupRadius(category), report.lon, report.lat),
  })
  await appendEvent(trx, incident.is_new ? 'incident.created' : 'incident.updated', {
    incident: incidentView(incident),
    report_id: report.id,
    cause: 'intake',
  })
  return { incident_id: incident.id, incident_new: incident.is_new }
}

const cannotAttach = (message: string) =>
  new AppError(422, 'validation_failed', `Cannot attach the report: ${message}`, [{ field: 'incident_id', message }])

/**
 * The report joins the incident the sender named (an operator attaching a call to an open
 * incident they saw nearby), wherever it is: no place matching. An incident merged away is
 * followed to the one it was merged into. Throws 422 (the intake transaction rolls back,
 * nothing is stored) when the incident does not exist, is no longer open, or is of another
 * match group (its ticket is routed by category).
 */
async function attachToIncident(trx: Transaction<Database>, report: ReportRow, incidentId: string): Promise<IntakeFields> {
  const rules = matchRules()
  let named = await findIncident(trx, incidentId)
  if (named?.merged_into) named = await findIncident(trx, named.merged_into)
  if (!named) throw cannotAttach(`incident ${incidentId} does not exist`)
  // The place's match locks before the row, in the order intake matching and merges take them.
  await lockKeys(trx, matchKeysOf(named))
  const target = await findIncident(trx, named.id, { forUpdate: true })
  if (!target || target.merged_into || (CLOSED_STATUSES as readonly string[]).includes(target.status)) {
    throw cannotAttach(`incident ${incidentId} is no longer open (${target?.merged_into ? 'merged' : target?.status ?? 'gone'})`)
  }
  if (!rules.groupMembers(report.category_code).includes(target.category_code)) {
    throw cannotAttach(`incident ${incidentId} is a "${target.category_code}" incident; a "${report.category_code}" report cannot join it`)
  }
  await moveReports(trx, [report.id], target.id)
  await refreshIncident(trx, target.id)
  const incident = (await findIncident(trx, target.id))!
  await appendEvent(trx, 'incident.updated', { incident: incidentView(incident), report_id: report.id, cause: 'intake' })
  return { incident_id: incident.id, incident_new: false }
}

function matchKeysOf(i: IncidentRow): string[] {
  const rules = matchRules()
  return matchLockKeys(rules.group(i.category_code), rules.groupRadius(i.category_code), i.lon, i.lat)
}
