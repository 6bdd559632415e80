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

/**
 * Keeps a caller's consent to be told of status changes at the number they gave (112 intake's
 * `reporter.notify`, by SMS unless `notify_via` says WhatsApp), in the intake transaction with the report: a 2xx means the consent is
 * stored too, and a retry finds it there. One statement for the batch, none without consents.
 */
export const contactConsentStep: IntakeStep = async ({ trx, items }) => {
  const consenting = items.filter((i) => i.input.reporter?.notify)
  if (consenting.length)
    await trx
      .insertInto('report_contact_consents')
      .values(consenting.map((i) => ({ report_id: i.report.id, via: i.input.reporter?.notify_via ?? 'sms' })))
      .onConflict((oc) => oc.doNothing())
      .execute()
  return items.map(() => ({}))
}
