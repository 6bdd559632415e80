import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { AppError } from '../http/errors.js'
import { matchLockKeys } from './incident.locks.js'
import { isClosed } from '../tickets/ticket.rules.js'
import { findIncident, lockKeys, moveReports, refreshIncident, type IncidentRow } from './incident.repository.js'
import { matchRules } from './incident.rules.js'
import { incidentDistanceM } from '../citizen/nearby.repository.js'
import { joinRadiusM } from '../citizen/nearby.service.js'

// What intake (server/reports/intake.service.ts) asks of incidents: how a new report is
// matched as it is stored, and the attach path. Announcing is intake's: this module does not
// know the intake's outcome.

// Read at start-up: a bad SIGAP_INCIDENT_RULES stops the server instead of failing every intake.
matchRules()

/** What matching needs besides the report (matchPlanFor); the intake statement takes it per report. */
export interface MatchPlan {
  categories: string[]
  radiusM: number
  windowH: number
  /** Degrees that surely contain the radius (a box the index can use). */
  dx: number
  dy: number
  lockKeys: string[]
}

/**
 * How a new report of this category at this point is matched (the radius, the time window, the
 * categories it may join, the search box and the advisory-lock keys of the cells around it):
 * the intake statement waits for those locks, so simultaneous reports of one place make one
 * incident. See sigap_match_point in migrations/functions/matching.sql.
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
 * Answers the incident as it is after joining.
 */
export async function attachToIncident(
  trx: Transaction<Database>,
  report: { id: string; category_code: string; lat: number; lon: number },
  incidentId: string,
  nearOnly: boolean,
): Promise<IncidentRow> {
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
  await refreshIncident(trx, target.id)
  return (await findIncident(trx, target.id))!
}

function matchKeysOf(i: IncidentRow): string[] {
  const rules = matchRules()
  return matchLockKeys(rules.group(i.category_code), rules.groupRadius(i.category_code), i.lon, i.lat)
}
