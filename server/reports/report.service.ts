import type { Deps } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { appendEvent } from '../events/event.repository.js'
import { findReportByDedupKey, insertReport, type ReportRow } from './report.repository.js'
import type { ReportInput } from './report.schema.js'
import { reportEventData } from './report.view.js'
import { INTAKE_STEPS, type IntakeFields } from './intake.steps.js'

export interface IntakeResult {
  report: ReportRow
  /** false when this was a retry of a report already stored. */
  created: boolean
  /** What the intake steps added (location check, incident); empty on a retry. */
  fields: IntakeFields
}

/**
 * The one intake path every channel uses (HTTP API, the demo simulator, imports): stores the
 * report and its `report.created` event in one transaction, or finds the report a retry
 * already stored.
 */
export async function intakeReport(deps: Deps, input: ReportInput, idempotencyKey: string | null): Promise<IntakeResult> {
  const category = await deps.categories.get(input.category)
  if (!category || !category.active) {
    throw new AppError(422, 'validation_failed', `Unknown category "${input.category}"; GET /api/categories lists the codes`, [
      { field: 'category', message: `unknown category "${input.category}"` },
    ])
  }
  if (input.external_id !== undefined || idempotencyKey !== null) {
    const earlier = await findReportByDedupKey(deps.db.db, input.channel, input.external_id, idempotencyKey)
    if (earlier) return { report: earlier, created: false, fields: {} }
  }
  const stored = await deps.db.db.transaction().execute(async (trx) => {
    const report = await insertReport(trx, input, idempotencyKey)
    if (!report) return null
    const fields: IntakeFields = {}
    for (const step of INTAKE_STEPS) Object.assign(fields, await step({ trx, deps, input, report }))
    await appendEvent(trx, 'report.created', { ...reportEventData(report), ...fields })
    return { report, fields }
  })
  if (stored) {
    deps.feed.poke()
    return { ...stored, created: true }
  }
  // Lost a race with a concurrent retry of the same submission: answer with the winner's report.
  const winner = await findReportByDedupKey(deps.db.db, input.channel, input.external_id, idempotencyKey)
  if (!winner) throw new AppError(409, 'conflict', 'A conflicting report exists but could not be read; retry')
  return { report: winner, created: false, fields: {} }
}
