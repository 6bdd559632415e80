import { availableParallelism } from 'node:os'
import type { Transaction } from 'kysely'
import type { Database } from '../db/database.js'
import { announceOpened } from '../disputes/dispute.service.js'
import { appendEvent, appendEvents, writeAndPublish } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { attachToIncident } from '../incidents/incident.intake.js'
import { findTicket } from '../tickets/ticket.repository.js'
import { announceRouted, routeNewTicket } from '../tickets/ticket.service.js'
import { startLaporClocks } from '../tickets/ticket.clocks.js'
import { IntakeQueue } from './intake.queue.js'
import { disputeRowOf, incidentEventOf, reportCreatedData, type IntakeOutcome } from './intake.outcome.js'
import { insertCheckedReports, type NewReport } from './intake.repository.js'

// Storing new reports and announcing them, in one transaction: the reports of a batch (matched
// as they are stored), or one report attached to the incident its sender named.

/** A report's outcome, or null when its external id or idempotency key was taken (a retry). */
export type Stored = IntakeOutcome | null

/**
 * After the reports are stored, in their transaction, every event of the batch, in this order
 * (one statement at the end, writeAndPublish): dispute.opened (the disputes the intake statement
 * opened for mismatched claims), incident.created/updated, ticket.routed, report.created.
 */
async function announce(trx: Transaction<Database>, deps: Deps, outcomes: IntakeOutcome[]): Promise<void> {
  // Ordered as insertDisputes answers (opened_at, then id), as they were when opened by it.
  const opened = outcomes.filter((o) => o.disputeId !== null).sort((a, b) => +a.disputeOpenedAt! - +b.disputeOpenedAt! || (a.disputeId! < b.disputeId! ? -1 : 1))
  await announceOpened(trx, deps, opened.map(disputeRowOf), 'intake')
  for (const { report, incident } of outcomes) {
    if (!incident) continue
    const e = incidentEventOf(report.id, incident)
    await appendEvent(trx, e.type, e.data)
  }
  const fresh = outcomes.flatMap((o) => (o.ticket ? [o.ticket] : []))
  // SP4N-LAPOR!'s verification clock, for the tickets a LAPOR! report opened (one statement, and only when there are some).
  const lapor = fresh.filter((t) => t.channels.includes('lapor'))
  if (lapor.length) for (const [id, due] of await startLaporClocks(trx, lapor.map((t) => t.id))) lapor.find((t) => t.id === id)!.lapor_verify_due_at = due
  await announceRouted(trx, fresh)
  await appendEvents(trx, 'report.created', outcomes.map(reportCreatedData))
}

/** Stores a batch of new reports in one transaction; answers each in order. */
async function storeBatch(deps: Deps, batch: NewReport[]): Promise<Stored[]> {
  return writeAndPublish(deps.db.db, deps.feed, async (trx) => {
    const stored = await insertCheckedReports(trx, batch, deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
    await announce(trx, deps, stored.filter((s) => s !== null))
    return stored
  })
}

/**
 * The attach path: the report joins the incident its sender named (incident.intake.ts
 * attachToIncident), in a transaction of its own, so that its 422 fails no other report. An
 * incident not routed yet is routed now.
 */
export async function attachReport(deps: Deps, submission: NewReport, incidentId: string, nearOnly: boolean): Promise<Stored> {
  return writeAndPublish(deps.db.db, deps.feed, async (trx) => {
    const [o] = await insertCheckedReports(trx, [{ ...submission, plan: null }], deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
    if (!o) return null
    const joined = await attachToIncident(trx, o.report, incidentId, nearOnly)
    o.report.incident_id = joined.id
    const ticket = (await routeNewTicket(trx, joined.id)) ?? (await findTicket(trx, joined.id))
    o.incident = Object.assign(joined, {
      is_new: false,
      routed_at: ticket?.routed_at ?? null,
      is_emergency: ticket?.is_emergency ?? false,
      agency_code: ticket?.agency_code ?? joined.agency_code ?? null,
    })
    await announce(trx, deps, [o])
    return o
  })
}

// Batches stored at once. PGlite has one connection: one batch at a time there.
// On PostgreSQL, SIGAP_INTAKE_WORKERS or one per two cores: on 2 cores one worker made batches
// twice as large and stored as many reports a second as two (1.02-1.10x), with a sixth less
// server CPU and a third less PostgreSQL CPU a report (bench/README.md, "Intake workers").
export function intakeWorkers(deps: Pick<Deps, 'db' | 'config'>, cores = availableParallelism()): number {
  if (deps.db.kind === 'pglite') return 1
  return deps.config.SIGAP_INTAKE_WORKERS ?? Math.max(1, Math.min(8, Math.floor(cores / 2)))
}

// One queue per running server (deps).
const queues = new WeakMap<Deps, IntakeQueue<NewReport, Stored>>()

/**
 * Stores a report with those that arrive while earlier ones are being stored (intake.queue.ts).
 * Rejects with IntakeQueueFull when the waiting line is full.
 */
export function submitReport(deps: Deps, submission: NewReport): Promise<Stored> {
  let q = queues.get(deps)
  if (!q) {
    q = new IntakeQueue((batch) => storeBatch(deps, batch), intakeWorkers(deps), 32, deps.config.SIGAP_INTAKE_MAX_WAITING)
    queues.set(deps, q)
  }
  return q.submit(submission)
}
