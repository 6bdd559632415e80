import type { Deps } from '../http/context.js'
import { canAttachAnywhere, type Principal } from '../auth/principal.js'
import { AppError } from '../http/errors.js'
import { matchPlanFor, type MatchPlan } from '../incidents/incident.intake.js'
import { newPhotoToken } from '../photos/photo.token.js'
import { findReportByDedupKey, type ReportRow } from './report.repository.js'
import { IntakeQueueFull } from './intake.queue.js'
import type { IntakeOutcome } from './intake.outcome.js'
import { attachReport, submitReport } from './intake.service.js'
import type { ReportInput } from './report.schema.js'

export interface IntakeResult {
  report: ReportRow
  /** false when this was a retry of a report already stored. */
  created: boolean
  /** What intake decided for a new report (intake.outcome.ts); null on a retry. */
  outcome: IntakeOutcome | null
  /** The photo token of a new report, when asked for (given once: only its hash is stored). */
  photoToken: string | null
}

type Planner = (input: ReportInput) => MatchPlan | null
const matchAsShipped: Planner = (input) => matchPlanFor(input.category, input.location)
let planner = matchAsShipped

/**
 * For benchmarks only (bench/intake-modes.ts): replaces how new reports are matched, to measure
 * matching against intakes without it; null restores matching. Not in Deps or the config, so
 * that no deployment can turn matching off.
 */
export function replaceMatchPlanner(p: Planner | null): void {
  planner = p ?? matchAsShipped
}

/** A full waiting line answers 503 with Retry-After: channels retry (WhatsApp, Open311 clients, the app). */
function busy(err: unknown): never {
  if (!(err instanceof IntakeQueueFull)) throw err
  throw new AppError(503, 'busy', 'Too many reports are waiting to be stored; nothing was stored, retry in a few seconds', undefined, { 'Retry-After': '2' })
}

/**
 * The Idempotency-Key as stored: scoped to the client that sent it (the signed-in user, or
 * the anonymous client) and the channel, so that two clients who happen to pick the same key
 * never meet. The separator cannot occur in a channel name or a user id.
 */
export function scopedIdempotencyKey(client: string | undefined, channel: string, key: string): string {
  return `${channel}|${client ?? 'anonymous'}|${key}`
}

/**
 * Which fields of a retried submission differ from the report stored under its key: none for
 * a true retry. Fields the sender left out are compared as absent (null), except reported_at,
 * which the server fills in when absent.
 */
export function differingFields(input: ReportInput, stored: ReportRow): string[] {
  const same: [string, unknown, unknown][] = [
    ['channel', input.channel, stored.channel],
    ['external_id', input.external_id ?? null, stored.external_id],
    ['category', input.category, stored.category_code],
    ['description', input.description, stored.description],
    ['location.lat', input.location.lat, stored.lat],
    ['location.lon', input.location.lon, stored.lon],
    ['location.accuracy_m', input.location.accuracy_m ?? null, stored.accuracy_m],
    ['claimed_region', input.claimed_region ?? null, stored.claimed_region],
    ['reporter.name', input.reporter?.name ?? null, stored.reporter_name],
    ['reporter.phone', input.reporter?.phone ?? null, stored.reporter_phone],
    ['reporter.private', input.reporter?.private ?? false, stored.reporter_private],
    ['reported_at', input.reported_at === undefined ? null : Date.parse(input.reported_at), input.reported_at === undefined ? null : stored.reported_at.getTime()],
  ]
  return same.filter(([, a, b]) => a !== b).map(([field]) => field)
}

/**
 * The one intake path every channel uses (HTTP API, the demo simulator, imports): stores the
 * report, its location check, its incident and ticket, and their events in one transaction
 * (shared with the reports that arrived with it: intake.queue.ts), or finds the report a retry
 * already stored.
 */
export interface IntakeOptions {
  /** Give the sender of a new report a photo token (HTTP channels). */
  photoToken?: boolean
  /**
   * A named `incident_id` is joined only when that incident lies within the category's matching
   * radius of the report (a citizen's "saya juga"); staff may attach anywhere (canAttachAnywhere).
   */
  attachNearOnly?: boolean
}

/** How a report sent over HTTP by this principal is taken in: a photo token, and only staff attach to any incident they name. */
export function httpIntakeOptions(principal: Principal): IntakeOptions {
  return { photoToken: true, attachNearOnly: !canAttachAnywhere(principal) }
}

export async function intakeReport(deps: Deps, input: ReportInput, idempotencyKey: string | null, opts: IntakeOptions = {}): Promise<IntakeResult> {
  // Text the database cannot store was refused once, where the channel parsed its input
  // (parseOr422); should any slip through, the queue stores its batch's other reports alone
  // and the database's refusal answers 400 (inputErrorOf), never a 500.
  const category = await deps.categories.get(input.category)
  if (!category || !category.active) {
    throw new AppError(422, 'validation_failed', `Unknown category "${input.category}"; GET /api/categories lists the codes`, [
      { field: 'category', message: `unknown category "${input.category}"` },
    ])
  }
  // A retry (its external id or idempotency key taken) is recognised by the statement that
  // stores reports, which answers "duplicate" for it: no lookup before, on the hot path.
  // A named incident is joined alone (its 422 must not fail other reports); otherwise the report
  // is matched as it is stored. The photo token is made before, so that its hash is stored with
  // the report, in the same statement.
  const token = opts.photoToken ? newPhotoToken() : null
  const submission = { input, idempotencyKey, plan: null, photoTokenSha256: token?.sha256 ?? null }
  const outcome =
    input.incident_id !== undefined
      ? await attachReport(deps, submission, input.incident_id, opts.attachNearOnly ?? false)
      : await submitReport(deps, { ...submission, plan: planner(input) }).catch(busy)
  if (outcome) return { report: outcome.report, created: true, outcome, photoToken: token?.token ?? null }
  // A retry, or a race with a concurrent one: answer with the report stored first.
  const winner = await findReportByDedupKey(deps.db.db, input.channel, input.external_id, idempotencyKey)
  if (!winner) throw new AppError(409, 'conflict', 'A conflicting report exists but could not be read; retry')
  if (idempotencyKey !== null) {
    const differs = differingFields(input, winner)
    if (differs.length) {
      throw new AppError(
        409,
        'idempotency_key_reused',
        `This Idempotency-Key was already used for a different report (${differs.join(', ')} differ); nothing was stored. Send each new report with a new key; a retry must repeat the same request.`,
        differs.map((field) => ({ field, message: 'differs from the report first sent with this Idempotency-Key' })),
      )
    }
  }
  return { report: winner, created: false, outcome: null, photoToken: null }
}
