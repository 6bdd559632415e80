import { appendEvent } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'

/**
 * Stores one survey response (ten scores 1-4) about an agency, once per rating link (report)
 * and once per idempotency key; answers null when it was a repeat.
 */
export async function storeSkmResponse(
  deps: Deps,
  r: { agency: string; scores: number[]; reportId: string | null; key: string | null; submittedAt?: Date | undefined },
): Promise<{ id: string; submitted_at: Date } | null> {
  const stored = await deps.db.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('skm_responses')
      .values({
        agency_code: r.agency,
        scores: r.scores,
        report_id: r.reportId,
        idempotency_key: r.key,
        ...(r.submittedAt ? { submitted_at: r.submittedAt } : {}),
      })
      .onConflict((oc) => oc.doNothing())
      .returning(['id', 'submitted_at'])
      .executeTakeFirst()
    if (row) await appendEvent(trx, 'skm.response', { agency_code: r.agency, id: row.id })
    return row
  })
  if (stored) deps.feed.poke()
  return stored ?? null
}
