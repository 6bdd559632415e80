import { appendEvent } from '../events/event.repository.js'
import type { IntakeContext, IntakeFields } from '../reports/intake.steps.js'
import { matchLockKeys } from './incident.locks.js'
import { joinOrOpenIncident } from './incident.repository.js'
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
export async function matchIncidentStep({ trx, report }: IntakeContext): Promise<IntakeFields> {
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
