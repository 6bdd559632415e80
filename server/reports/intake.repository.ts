import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import type { MatchPlan } from '../incidents/incident.intake.js'
import { outcomeOf, type IntakeOutcome, type IntakeRow } from './intake.outcome.js'
import type { ReportInput } from './report.schema.js'

// Storing new reports: one call of sigap_intake_reports per batch; its rows are read once into
// each report's outcome (intake.outcome.ts).

/** One report to store: what was sent, its idempotency key, how to match it (null: not here). */
export interface NewReport {
  input: ReportInput
  idempotencyKey: string | null
  plan: MatchPlan | null
  /** SHA-256 of the photo token its sender is given (photo.token.ts); stored with the report. */
  photoTokenSha256: string | null
}

/**
 * Stores new reports in one round trip (sigap_intake_reports, migrations/functions/intake.sql): for
 * each, its location check, the incident it joins or opens when it has a plan, its row, its
 * photo token's hash and its sender's consent to status messages.
 * Answers in the order given; null where the report's external id or idempotency key was taken
 * already (nothing of it is stored: the caller answers with the earlier report).
 */
export async function insertCheckedReports(trx: Transaction<Database>, reports: NewReport[], toleranceM: number): Promise<(IntakeOutcome | null)[]> {
  const res = await sql<IntakeRow>`
    SELECT * FROM sigap_intake_reports(${JSON.stringify(intakeItems(reports))}::jsonb, ${toleranceM}::float8)`.execute(trx)
  const out: (IntakeOutcome | null)[] = reports.map(() => null)
  for (const r of res.rows) if (r.outcome === 'stored') out[r.ord - 1] = outcomeOf(reports[r.ord - 1]!.input, r)
  return out
}

/** The reports as the items sigap_intake_reports takes (its comment in intake.sql lists them). */
export function intakeItems(reports: NewReport[]) {
  return reports.map(({ input, idempotencyKey, plan, photoTokenSha256 }) => ({
    channel: input.channel,
    external_id: input.external_id ?? null,
    idempotency_key: idempotencyKey,
    category: input.category,
    description: input.description,
    lon: input.location.lon,
    lat: input.location.lat,
    accuracy_m: input.location.accuracy_m ?? null,
    claim: input.claimed_region ?? null,
    reporter_name: input.reporter?.name ?? null,
    reporter_phone: input.reporter?.phone ?? null,
    reporter_private: input.reporter?.private ?? false,
    reported_at: input.reported_at ?? null,
    media_url: input.media_url ?? null,
    photo_token_sha256: photoTokenSha256,
    notify: input.reporter?.notify ?? false,
    notify_via: input.reporter?.notify_via ?? 'sms',
    ...(plan && {
      match: {
        categories: plan.categories.join(','), // codes are [a-z0-9_] (CategoryCode in agency.schema.ts)
        radius_m: plan.radiusM,
        window_h: plan.windowH,
        dx: plan.dx,
        dy: plan.dy,
        lock_keys: plan.lockKeys,
      },
    }),
  }))
}
