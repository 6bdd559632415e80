import type { MatchPlan } from '../server/incidents/incident.intake.js'
import { replaceMatchPlanner } from '../server/reports/report.service.js'

// The intakes that matching's cost is measured against (bench/incidents.bench.ts). They live
// here, not in the product: no deployment can turn matching off. tests/intake.baselines.test.ts
// checks that each does what it says.

/**
 * `matched`: as shipped (a new report joins the open incident it duplicates or opens one);
 * `one_per_report`: every report opens a routed incident of its own with no search, as a system
 * without duplicate merging would (one report, one ticket); `none`: no incident or ticket at all.
 */
export const INTAKE_MODES = ['matched', 'one_per_report', 'none'] as const
export type IntakeMode = (typeof INTAKE_MODES)[number]

/** A plan that searches nothing and takes no match locks: the report opens a new incident of its own. */
export const NEW_INCIDENT_PLAN: MatchPlan = Object.freeze({ categories: [], radiusM: 0, windowH: 0, dx: 0, dy: 0, lockKeys: [] })

/** Makes every intake of this process from now on work the given way. */
export function useIntakeMode(mode: IntakeMode): void {
  replaceMatchPlanner(mode === 'matched' ? null : mode === 'one_per_report' ? () => NEW_INCIDENT_PLAN : () => null)
}
