import type { Transaction } from 'kysely'
import { regionWithin, storedUserId, type Principal } from '../auth/principal.js'
import type { Config } from '../config.js'
import type { Database, DisputeState } from '../db/database.js'
import { appendEvent, appendEvents } from '../events/event.repository.js'
import type { Deps } from '../http/context.js'
import { AppError, notFound } from '../http/errors.js'
import { checkPoint, moveReportPoint } from '../locations/location.repository.js'
import { canDecideDispute, canProposeDispute, canSeeDispute } from './dispute.access.js'
import {
  ACTIVE_STATES,
  findDispute,
  findDisputes,
  flagOverdue,
  insertActions,
  insertDisputes,
  type DisputeRow,
  type NewDispute,
} from './dispute.repository.js'
import { applyToIncident, type Actor } from './dispute.reroute.js'
import type { DisputeStep } from './dispute.schema.js'
import { disputeView, type DisputeView } from './dispute.view.js'

/** Who did it, for history and events: an id and a role, never a name. */
const actorOf = (p: Principal): Actor => ({ user_id: storedUserId(p), role: p.role })
const SYSTEM: Actor = { user_id: null, role: 'system' }
/** What opening and clearing need (the CLI has no HTTP dependencies). */
type ConfigOnly = { config: Pick<Config, 'SIGAP_DISPUTE_OVERDUE_HOURS'> }

/** Which side of the dispute a region head speaks for (kept in the history). */
function sideOf(p: Principal, d: DisputeRow): 'claimed' | 'detected' | 'both' | null {
  if (p.role !== 'region_head') return null
  const codes = p.regionCodes ?? []
  const c = regionWithin(d.claimed_region_code, codes)
  const t = regionWithin(d.detected_region_code, codes)
  return c && t ? 'both' : c ? 'claimed' : t ? 'detected' : null
}

const isActive = (s: DisputeState) => (ACTIVE_STATES as readonly string[]).includes(s)

/**
 * Opens disputes for mismatched reports inside the caller's transaction (the bulk re-check;
 * intake's own statement opens those of new reports), with their history and `dispute.opened` events. A report with an undecided
 * dispute gets no second one. Returns the disputes opened.
 */
export async function openDisputes(trx: Transaction<Database>, deps: ConfigOnly, items: NewDispute[], cause: 'intake' | 'recheck', now = new Date()): Promise<DisputeView[]> {
  const rows = await insertDisputes(trx, items, { cause, actor_role: SYSTEM.role, at: now })
  return announceOpened(trx, deps, rows, cause, now)
}

/**
 * `dispute.opened` for disputes just opened with their "opened" history, here or by intake's
 * own statement (migrations/functions/intake.sql), in the caller's transaction and order.
 */
export async function announceOpened(trx: Transaction<Database>, deps: ConfigOnly, rows: DisputeRow[], cause: 'intake' | 'recheck', now = new Date()): Promise<DisputeView[]> {
  if (rows.length === 0) return []
  const views = rows.map((d) => disputeView(d, now, deps.config.SIGAP_DISPUTE_OVERDUE_HOURS))
  await appendEvents(trx, 'dispute.opened', views.map((dispute) => ({ dispute, cause })))
  return views
}

/** Closes undecided disputes whose report a re-check no longer finds mismatched. */
export async function clearDisputes(trx: Transaction<Database>, deps: ConfigOnly, reportIds: string[], now = new Date()): Promise<number> {
  if (reportIds.length === 0) return 0
  const res = await trx
    .updateTable('location_disputes')
    .set({ state: 'cleared', updated_at: now })
    .where('report_id', 'in', reportIds)
    .where('state', 'in', ['open', 'proposed'])
    .returning('id')
    .execute()
  const ids = res.map((r) => r.id)
  if (ids.length === 0) return 0
  await insertActions(trx, ids.map((id) => ({ dispute_id: id, action: 'cleared' as const, actor_role: SYSTEM.role, reason: 'no longer a mismatch after a re-check', at: now })))
  const views = (await findDisputes(trx, ids)).map((d) => disputeView(d, now, deps.config.SIGAP_DISPUTE_OVERDUE_HOURS))
  await appendEvents(trx, 'dispute.cleared', views.map((dispute) => ({ dispute, cause: 'recheck' })))
  return ids.length
}

export interface StepResult {
  dispute: DisputeView
  /** false when this repeated what was already recorded (a retry): nothing changed. */
  changed: boolean
}

async function loadVisible(trx: Transaction<Database>, p: Principal, id: string): Promise<DisputeRow> {
  const d = await findDispute(trx, id, { forUpdate: true })
  // Out of scope looks the same as absent: a head learns nothing of other regions' disputes.
  if (!d || !canSeeDispute(p, d)) throw notFound(`Dispute ${id}`)
  return d
}

/** Whether a stored proposal is this one again (a retry). Compared field by field: jsonb reorders keys. */
function sameStep(a: Record<string, unknown> | null, step: DisputeStep, by: Actor): boolean {
  if (a === null) return false
  const was = (a.by ?? {}) as Partial<Actor>
  const at = (a.corrected_location ?? null) as { lat: number; lon: number } | null
  const to = step.corrected_location ?? null
  const sameAt = at === null || to === null ? at === to : at.lat === to.lat && at.lon === to.lon
  return a.decision === step.decision && a.reason === step.reason && sameAt && was.role === by.role && (was.user_id ?? null) === by.user_id
}

/** A region head (or the command room) proposes what should happen; the decider sees it. */
export async function proposeDispute(deps: Deps, p: Principal, id: string, step: DisputeStep, now = new Date()): Promise<StepResult> {
  const hours = deps.config.SIGAP_DISPUTE_OVERDUE_HOURS
  const result = await deps.db.db.transaction().execute(async (trx): Promise<StepResult> => {
    const d = await loadVisible(trx, p, id)
    if (!canProposeDispute(p, d)) throw new AppError(403, 'forbidden', 'Only the heads of the two regions and the command room propose')
    const by = actorOf(p)
    if (!isActive(d.state)) throw new AppError(409, 'already_decided', `Dispute ${id} is already ${d.state}`)
    if (sameStep(d.proposal, step, by)) return { dispute: disputeView(d, now, hours), changed: false }
    if (step.corrected_location) await validateCorrection(trx, deps, d, step.corrected_location)
    const proposal = { ...step, by, side: sideOf(p, d), at: now.toISOString() }
    await trx.updateTable('location_disputes').set({ state: 'proposed', proposal: JSON.stringify(proposal), updated_at: now }).where('id', '=', id).execute()
    await insertActions(trx, [{ dispute_id: id, action: 'proposed', decision: step.decision, actor_user: by.user_id, actor_role: by.role, reason: step.reason, data: { side: proposal.side, corrected_location: step.corrected_location ?? null }, at: now }])
    const view = disputeView((await findDispute(trx, id))!, now, hours)
    await appendEvent(trx, 'dispute.proposed', { dispute: view, by, proposal: { decision: step.decision, reason: step.reason } })
    return { dispute: view, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}

const STATE_OF = { move: 'moved', keep: 'kept', return: 'returned' } as const

/**
 * Settles a dispute: `move` gives the report (and its incident's routing) to the detected
 * region; `keep` leaves it where it was claimed, the pin being wrong (optionally corrected);
 * `return` sends it back to the reporter for clarification. The command room or the head of
 * the detected region decides.
 */
export async function decideDispute(deps: Deps, p: Principal, id: string, step: DisputeStep, now = new Date()): Promise<StepResult> {
  const hours = deps.config.SIGAP_DISPUTE_OVERDUE_HOURS
  const result = await deps.db.db.transaction().execute(async (trx): Promise<StepResult> => {
    const d = await loadVisible(trx, p, id)
    if (!canDecideDispute(p, d)) throw new AppError(403, 'forbidden', 'Only the command room and the head of the detected region decide')
    if (!isActive(d.state)) {
      if (d.decision === step.decision) return { dispute: disputeView(d, now, hours), changed: false }
      throw new AppError(409, 'already_decided', `Dispute ${id} is already ${d.state}`)
    }
    const by = actorOf(p)
    if (step.decision === 'move') {
      await trx.updateTable('reports').set({ region_code: d.detected_region_code }).where('id', '=', d.report_id).execute()
    }
    if (step.corrected_location) {
      await validateCorrection(trx, deps, d, step.corrected_location)
      await moveReportPoint(trx, d.report_id, step.corrected_location.lon, step.corrected_location.lat, deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
    }
    await trx
      .updateTable('location_disputes')
      .set({
        state: STATE_OF[step.decision],
        decision: step.decision,
        decision_reason: step.reason,
        corrected_location: step.corrected_location ? `SRID=4326;POINT(${step.corrected_location.lon} ${step.corrected_location.lat})` : null,
        decided_by_user: by.user_id,
        decided_by_role: by.role,
        decided_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute()
    await insertActions(trx, [{ dispute_id: id, action: 'decided', decision: step.decision, actor_user: by.user_id, actor_role: by.role, reason: step.reason, data: { side: sideOf(p, d), corrected_location: step.corrected_location ?? null }, at: now }])
    if (step.decision === 'move' || step.corrected_location) await applyToIncident(trx, d, by, now)
    const view = disputeView((await findDispute(trx, id))!, now, hours)
    await appendEvent(trx, 'dispute.decided', { dispute: view, by })
    return { dispute: view, changed: true }
  })
  if (result.changed) deps.feed.poke()
  return result
}

/** A corrected pin must lie in (or at the edge of) the claimed region: that is what `keep` says. */
async function validateCorrection(trx: Transaction<Database>, deps: Deps, d: DisputeRow, at: { lat: number; lon: number }) {
  const c = await checkPoint(trx, at.lon, at.lat, d.claimed_region_code, null, deps.config.SIGAP_BOUNDARY_TOLERANCE_M)
  if (c.status !== 'match' && c.status !== 'near_boundary') {
    throw new AppError(422, 'validation_failed', `The corrected location is not in the claimed region ${d.claimed_name ?? d.claimed_region_code}`, [
      { field: 'corrected_location', message: `not in ${d.claimed_region_code}` },
    ])
  }
}

/** Flags undecided disputes past due (`dispute.overdue`, once each). Returns how many. */
export async function flagOverdueDisputes(deps: Deps, now = new Date()): Promise<number> {
  const hours = deps.config.SIGAP_DISPUTE_OVERDUE_HOURS
  const n = await deps.db.db.transaction().execute(async (trx) => {
    const ids = await flagOverdue(trx, hours, now)
    if (ids.length === 0) return 0
    await insertActions(trx, ids.map((id) => ({ dispute_id: id, action: 'overdue' as const, actor_role: SYSTEM.role, reason: `not decided within ${hours} h`, at: now })))
    const views = (await findDisputes(trx, ids)).map((d) => disputeView(d, now, hours))
    await appendEvents(trx, 'dispute.overdue', views.map((dispute) => ({ dispute })))
    return ids.length
  })
  if (n) deps.feed.poke()
  return n
}
