import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { appendEvent } from '../events/event.repository.js'
import { AppError } from '../http/errors.js'
import type { IntakeBatch, IntakeFields } from '../reports/intake.steps.js'
import type { MatchPlan } from '../reports/intake.repository.js'
import type { ReportRow } from '../reports/report.repository.js'
import { matchLockKeys } from './incident.locks.js'
import { isClosed } from '../tickets/ticket.rules.js'
import { findIncident, lockKeys, moveReports, refreshIncident, type IncidentRow } from './incident.repository.js'
import { matchRules } from './incident.rules.js'
import { incidentView } from './incident.view.js'
import { incidentDistanceM } from '../citizen/nearby.repository.js'
import { joinRadiusM } from '../citizen/nearby.service.js'

// Read at start-up: a bad SIGAP_INCIDENT_RULES stops the server instead of failing every intake.
matchRules()

/**
 * How a new report of this category at this point is matched (the radius, the time window, the
 * categories it may join, the search box and the advisory-lock keys of the cells around it):
 * the intake statement waits for those locks, so simultaneous reports of one place make one
 * incident. See sigap_match_point in migrations/0008_route_at_intake.sql.
 */
export function matchPlanFor(category: string, at: { lon: number; lat: number }): MatchPlan {
  const rules = matchRules()
  const rule = rules.rule(category)
  return {
    categories: rules.groupMembers(category),
    radiusM: rule.radius_m,
    windowH: rule.window_h,
    // Degrees that surely contain the radius (a degree of longitude shrinks with latitude).
    dy: (rule.radius_m / 110_574) * 1.01,
    dx: (rule.radius_m / (111_320 * Math.max(0.01, Math.cos((at.lat * Math.PI) / 180)))) * 1.01,
    lockKeys: matchLockKeys(rules.group(category), rules.groupRadius(category), at.lon, at.lat),
  }
}

/**
 * A plan that searches nothing: the report opens a new routed incident of its own, and takes no
 * match locks (there is no search for another report to race). Not how sigap matches:
 * benchmarks use it (IntakeOptions `one_per_report`) to tell matching's cost from that of
 * having incidents and tickets at all.
 */
export const NEW_INCIDENT_PLAN: MatchPlan = Object.freeze({ categories: [], radiusM: 0, windowH: 0, dx: 0, dy: 0, lockKeys: [] })

/**
 * Intake step: each new report joined the open incident it duplicates or opened one as it was
 * stored (after its location check, so the incident took the report's region); this announces
 * it. A report sent with `incident_id` joins that incident here instead.
 */
export async function matchIncidentStep({ trx, items }: IntakeBatch): Promise<IntakeFields[]> {
  const out: IntakeFields[] = []
  for (const { input, report, incident, attachNearOnly } of items) {
    if (input.incident_id !== undefined) {
      out.push(await attachToIncident(trx, report, input.incident_id, attachNearOnly))
      continue
    }
    if (!incident) {
      out.push({})
      continue
    }
    await appendEvent(trx, incident.is_new ? 'incident.created' : 'incident.updated', {
      incident: incidentView(incident),
      report_id: report.id,
      cause: 'intake',
    })
    out.push({ incident_id: incident.id, incident_new: incident.is_new })
  }
  return out
}

const cannotAttach = (message: string) =>
  new AppError(422, 'validation_failed', `Cannot attach the report: ${message}`, [{ field: 'incident_id', message }])

/**
 * The report joins the incident the sender named (an operator attaching a call to an open
 * incident they saw nearby), wherever it is: no place matching. An incident merged away is
 * followed to the one it was merged into. Throws 422 (the intake transaction rolls back,
 * nothing is stored) when the incident does not exist, is no longer open, or is of another
 * match group (its ticket is routed by category), or, when `nearOnly` (a citizen's "saya
 * juga"), lies farther from the report than its category's matching radius: a citizen joins
 * only what the form showed near them (citizen/nearby.service.ts), not any ticket by its id.
 */
async function attachToIncident(trx: Transaction<Database>, report: ReportRow, incidentId: string, nearOnly: boolean): Promise<IntakeFields> {
  const rules = matchRules()
  let named = await findIncident(trx, incidentId)
  if (named?.merged_into) named = await findIncident(trx, named.merged_into)
  if (!named) throw cannotAttach(`incident ${incidentId} does not exist`)
  // The place's match locks before the row, in the order intake matching and merges take them.
  await lockKeys(trx, matchKeysOf(named))
  const target = await findIncident(trx, named.id, { forUpdate: true })
  if (!target || target.merged_into || isClosed(target.status)) {
    throw cannotAttach(`incident ${incidentId} is no longer open (${target?.merged_into ? 'merged' : target?.status ?? 'gone'})`)
  }
  if (!rules.groupMembers(report.category_code).includes(target.category_code)) {
    throw cannotAttach(`incident ${incidentId} is a "${target.category_code}" incident; a "${report.category_code}" report cannot join it`)
  }
  if (nearOnly) {
    const radius = joinRadiusM(report.category_code)
    const d = await incidentDistanceM(trx, target.id, report)
    if (d === null || d > radius) throw cannotAttach(`incident ${incidentId} is ${Math.round(d ?? 0)} m from the report; only an incident within ${radius} m may be joined`)
  }
  await moveReports(trx, [report.id], target.id)
  report.incident_id = target.id
  await refreshIncident(trx, target.id)
  const incident = (await findIncident(trx, target.id))!
  await appendEvent(trx, 'incident.updated', { incident: incidentView(incident), report_id: report.id, cause: 'intake' })
  return { incident_id: incident.id, incident_new: false }
}

function matchKeysOf(i: IncidentRow): string[] {
  const rules = matchRules()
  return matchLockKeys(rules.group(i.category_code), rules.groupRadius(i.category_code), i.lon, i.lat)
}
