import { sql } from 'kysely'
import type { IntakeStep } from './intake.steps.js'

/**
 * Keeps the media_url a sender posted (Open311), in the intake transaction, so that the 2xx
 * that answers the report also means its link is stored. Costs nothing on a batch without one.
 */
export const mediaUrlStep: IntakeStep = async ({ trx, items }) => {
  const withMedia = items.filter((i) => i.input.media_url !== undefined)
  if (withMedia.length) {
    const rows = sql.join(withMedia.map((i) => sql`(${i.report.id}::uuid, ${i.input.media_url!})`))
    await sql`UPDATE reports r SET media_url = m.url FROM (VALUES ${rows}) AS m(id, url) WHERE r.id = m.id`.execute(trx)
  }
  return items.map(() => ({}))
}
