import { openDisputes } from '../disputes/dispute.service.js'
import type { IntakeBatch, IntakeFields } from '../reports/intake.steps.js'
import { locationCheckView } from './location.view.js'

/**
 * Intake step, first of all: each claimed region was checked against the point as the report
 * was stored (the outcome and the region the report belongs to are on its row, and its incident
 * took that region); the mismatches open disputes here, all in one statement, inside the
 * intake transaction.
 */
export async function locationCheckStep({ trx, deps, items }: IntakeBatch): Promise<IntakeFields[]> {
  const mismatched = items.filter(({ check }) => check.status === 'mismatch' && check.claimed_code && check.detected_code)
  const opened = mismatched.length === 0 ? [] : await openDisputes(
    trx,
    deps,
    mismatched.map(({ report, check }) => ({
      report_id: report.id,
      claimed_region_code: check.claimed_code!,
      detected_region_code: check.detected_code!,
      lon: report.lon,
      lat: report.lat,
      distance_m: check.distance_m,
      accuracy_m: report.accuracy_m,
    })),
    'intake',
  )
  const disputeOf = new Map(opened.map((d) => [d.report_id, d.id]))
  return items.map(({ report, check }) => ({ location_check: Object.assign(locationCheckView(check), { dispute_id: disputeOf.get(report.id) ?? null }) }))
}
