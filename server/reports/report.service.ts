import { availableParallelism } from 'node:os'
import type { Deps } from '../http/context.js'
import { canAttachAnywhere, type Principal } from '../auth/principal.js'
import { AppError, refuseBadText } from '../http/errors.js'
import { appendEvents, withEventBatch } from '../events/event.repository.js'
import { matchPlanFor, NEW_INCIDENT_PLAN } from '../incidents/incident.intake.js'
import { insertCheckedReports, type NewReport } from './intake.repository.js'
import { findReportByDedupKey, type ReportRow } from './report.repository.js'
import { IntakeQueue, IntakeQueueFull } from './intake.queue.js'
import type { ReportInput } from './report.schema.js'
import { reportEventData } from './report.view.js'
import { INTAKE_STEPS, type IntakeFields, type IntakeItem } from './intake.steps.js'

export interface IntakeResult {
  report: ReportRow
  /** false when this was a retry of a report already stored. */
  created: boolean
  /** What the intake steps added (location check, incident); empty on a retry. */
  fields: IntakeFields
}

export interface IntakeOptions {
  /**
   * How a new report finds its incident. `matched` (the default, what sigap does): it joins the
   * open incident it duplicates or opens one. The others exist so that benchmarks can measure
   * what matching costs: `one_per_report` opens a new routed incident for every report, as a
   * system without duplicate merging would (one report, one ticket); `none` stores the report
   * without any incident or ticket.
   */
  incidents?: 'matched' | 'one_per_report' | 'none'
  /**
   * A named `incident_id` is joined only when that incident lies within the category's matching
   * radius of the report (a citizen's "saya juga"); staff may attach anywhere (canAttachAnywhere).
   */
  attachNearOnly?: boolean
}

type Outcome = { stored: { report: ReportRow; fields: IntakeFields } } | { duplicate: true }

/**
 * Stores a batch of new reports in one transaction: the reports with their location checks
 * and incidents (one statement), the steps for all of them, and every event (one statement).
 */
async function storeBatch(deps: Deps, batch: NewReport[]): Promise<Outcome[]> {
  const outcomes = await deps.db.db.transaction().execute((trx) =>
    withEventBatch(trx, async () => {
      const stored = await insertCheckedReports(trx, batch, deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
      const items: IntakeItem[] = stored.flatMap((s, i) => (s ? [{ input: batch[i]!.input, attachNearOnly: batch[i]!.attachNearOnly ?? false, ...s }] : []))
      const fields: IntakeFields[] = items.map(() => ({}))
      for (const step of INTAKE_STEPS) (await step({ trx, deps, items })).forEach((f, i) => Object.assign(fields[i]!, f))
      await appendEvents(trx, 'report.created', items.map(({ report }, i) => Object.assign(reportEventData(report), fields[i]))) // not a spread: intake.repository.ts storedOf
      const byReport = new Map(items.map((item, i) => [item.report.id, fields[i]!]))
      return stored.map((s): Outcome => (s ? { stored: { report: s.report, fields: byReport.get(s.report.id)! } } : { duplicate: true }))
    }),
  )
  deps.feed.poke()
  return outcomes
}

// One queue per running server (deps). PGlite has one connection: one batch at a time there;
// on PostgreSQL one per core (more only made the batches smaller on the 2 cores measured).
const WORKERS = Math.max(1, Math.min(8, availableParallelism()))
const queues = new WeakMap<Deps, IntakeQueue<NewReport, Outcome>>()
const queueOf = (deps: Deps) => {
  let q = queues.get(deps)
  if (!q) {
    q = new IntakeQueue((batch) => storeBatch(deps, batch), deps.db.kind === 'pglite' ? 1 : WORKERS, 32, deps.config.SIGAP_INTAKE_MAX_WAITING)
    queues.set(deps, q)
  }
  return q
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

/** How a report sent over HTTP by this principal is taken in: only staff attach to any incident they name. */
export function intakeOptionsFor(deps: Deps, principal: Principal): IntakeOptions {
  return { ...deps.intake, attachNearOnly: !canAttachAnywhere(principal) }
}

/**
 * The one intake path every channel uses (HTTP API, the demo simulator, imports): stores the
 * report, its location check, its incident and ticket, and their events in one transaction
 * (shared with the reports that arrived with it: intake.queue.ts), or finds the report a retry
 * already stored.
 */
export async function intakeReport(deps: Deps, input: ReportInput, idempotencyKey: string | null, opts: IntakeOptions = deps.intake ?? {}): Promise<IntakeResult> {
  // Text the database cannot store would fail the whole batch this report is stored with:
  // refused here, whichever channel let it through (channels that cannot refuse clean it first).
  refuseBadText(input, 'report')
  const category = await deps.categories.get(input.category)
  if (!category || !category.active) {
    throw new AppError(422, 'validation_failed', `Unknown category "${input.category}"; GET /api/categories lists the codes`, [
      { field: 'category', message: `unknown category "${input.category}"` },
    ])
  }
  // A retry (its external id or idempotency key taken) is recognised by the statement that
  // stores reports, which answers "duplicate" for it: no lookup before, on the hot path.
  // A named incident is attached to by its step (alone: its 422 must not fail other reports);
  // otherwise the report is matched as it is stored.
  const attach = input.incident_id !== undefined
  const plan = attach || opts.incidents === 'none' ? null : opts.incidents === 'one_per_report' ? NEW_INCIDENT_PLAN : matchPlanFor(input.category, input.location)
  const submission: NewReport = { input, idempotencyKey, plan, attachNearOnly: opts.attachNearOnly ?? false }
  const [outcome] = attach ? await storeBatch(deps, [submission]) : [await queueOf(deps).submit(submission).catch(busy)]
  if (outcome && 'stored' in outcome) return { report: outcome.stored.report, fields: outcome.stored.fields, created: true }
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
  return { report: winner, created: false, fields: {} }
}
