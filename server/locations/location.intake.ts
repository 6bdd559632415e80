import { openDisputes } from '../disputes/dispute.service.js'
import type { IntakeContext, IntakeFields } from '../reports/intake.steps.js'
import { checkAndStore } from './location.repository.js'
import { locationCheckView } from './location.view.js'

/**
 * Intake step, first of all: checks the claimed region against the point, stores the outcome
 * and the region the report belongs to on the report, and opens a dispute on a mismatch, all
 * inside the intake transaction. Runs before incident matching so the incident takes the
 * report's region as decided here.
 */
export async function locationCheckStep({ trx, deps, report }: IntakeContext): Promise<IntakeFields> {
  const check = await checkAndStore(trx, report, deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
  // The later steps, the 201 answer and the report.created event read the region from here.
  report.region_code = check.region_code
  report.region_name = check.region_name
  let disputeId: string | null = null
  if (check.status === 'mismatch' && check.claimed_code && check.detected_code) {
    const [opened] = await openDisputes(
      trx,
      deps,
      [{ report_id: report.id, claimed_region_code: check.claimed_code, detected_region_code: check.detected_code, lon: report.lon, lat: report.lat, distance_m: check.distance_m, accuracy_m: report.accuracy_m }],
      'intake',
    )
    disputeId = opened?.id ?? null
  }
  return { location_check: { ...locationCheckView(check), dispute_id: disputeId } }
}
