import { sql, type Transaction, type UpdateObject } from 'kysely'
import type { Database } from '../db/database.js'
import { isLate } from './late.js'
import type { TicketRow } from './ticket.repository.js'
import type { TicketStatus } from './ticket.rules.js'

/** SP4N-LAPOR!: verification within 3 working days of receipt, then the follow-up plan within 5 working days of it. */
export const LAPOR_VERIFY_MINUTES = 3 * 1440
export const LAPOR_PLAN_MINUTES = 5 * 1440
/** The move by which the agency takes a LAPOR! ticket up (its follow-up plan is given). */
const PLANNED: readonly TicketStatus[] = ['in_progress', 'resolved']

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`

/**
 * Starts the LAPOR! verification clock of tickets just opened from a LAPOR! report (counted from
 * the ticket's creation, like its other clocks). Returns the due time of each ticket started.
 */
export async function startLaporClocks(trx: Transaction<Database>, ids: string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map()
  const res = await sql<{ id: string; due: Date }>`
    UPDATE incidents SET lapor_verify_due_at = sigap_sla_due(created_at, ${LAPOR_VERIFY_MINUTES}::int, true)
    WHERE id = ANY (${`{${ids.join(',')}}`}::uuid[]) AND 'lapor' = ANY (channels) AND lapor_verify_due_at IS NULL
    RETURNING id, lapor_verify_due_at AS due`.execute(trx)
  return new Map(res.rows.map((r) => [r.id, r.due]))
}

type ClockSet = UpdateObject<Database, 'incidents'>

/**
 * What a move does to a ticket's clocks, as columns to set with the move:
 * - into `waiting_reporter`: the pause starts (its clocks stand still: sigap_late judges them at
 *   the pause);
 * - out of it: the pause is added to the ticket's stored credit, on the clock and in working
 *   time, and the resolution due time (and a LAPOR! plan's) moves on by it through
 *   sigap_sla_due, so a pause over a weekend adds no working day;
 * - a LAPOR! ticket's first response is its verification: the plan's clock starts; its first
 *   move to in progress (or resolved) is the plan.
 */
export async function clocksOnMove(trx: Transaction<Database>, t: TicketRow, to: TicketStatus, now: Date): Promise<ClockSet> {
  const set: ClockSet = {}
  if (to === 'waiting_reporter') set.paused_at = t.paused_at ?? now
  else if (t.paused_at !== null) Object.assign(set, await resumed(trx, t, now))
  if (t.lapor_verify_due_at !== null) {
    if (t.first_response_at === null) set.lapor_plan_due_at = sql<Date>`sigap_sla_due(${ts(now)}, ${LAPOR_PLAN_MINUTES}::int, true)`
    if (t.lapor_planned_at === null && PLANNED.includes(to)) set.lapor_planned_at = now
  }
  return set
}

async function resumed(trx: Transaction<Database>, t: TicketRow, now: Date): Promise<ClockSet> {
  const pausedAt = t.paused_at!
  const seconds = Math.max(0, Math.round((now.getTime() - pausedAt.getTime()) / 1000))
  const r = await sql<{ working_s: number; working: boolean | null }>`
    SELECT sigap_working_seconds(${ts(pausedAt)}, ${ts(now)}) AS working_s,
           (SELECT sla_working_days FROM categories WHERE code = ${t.category_code}) AS working`.execute(trx)
  const { working_s: workingS, working } = r.rows[0]!
  const set: ClockSet = {
    paused_at: null,
    paused_seconds: sql<number>`paused_seconds + ${seconds}::int`,
    paused_working_seconds: sql<number>`paused_working_seconds + ${workingS}::int`,
  }
  // Moved only by a credit: sigap_sla_due with nothing to add would carry a due time that fell
  // at the end of a Friday on to Monday.
  if (t.resolve_due_at !== null && (working ? workingS : seconds) > 0)
    set.resolve_due_at = sql<Date>`sigap_sla_due(resolve_due_at, 0, ${working ?? false}, ${seconds}::int, ${workingS}::int)`
  if (t.lapor_plan_due_at !== null && t.lapor_planned_at === null && workingS > 0)
    set.lapor_plan_due_at = sql<Date>`sigap_sla_due(lapor_plan_due_at, 0, true, 0, ${workingS}::int)`
  return set
}

/** A LAPOR! ticket's two clocks, one after the other, for ticket views; null for other tickets. */
export type LaporClocks = Pick<TicketRow, 'lapor_verify_due_at' | 'lapor_plan_due_at' | 'lapor_planned_at' | 'first_response_at' | 'ended_at' | 'paused_at'>

export function laporStages(t: LaporClocks, at: Date) {
  if (t.lapor_verify_due_at === null) return null
  const planStopped = t.lapor_planned_at ?? t.ended_at
  return {
    verify: {
      due_at: t.lapor_verify_due_at.toISOString(),
      done_at: t.first_response_at?.toISOString() ?? null,
      late: isLate(t.lapor_verify_due_at, t.first_response_at, null, null, at),
    },
    plan: {
      /** Null until the verification: its clock starts then. */
      due_at: t.lapor_plan_due_at?.toISOString() ?? null,
      done_at: t.lapor_planned_at?.toISOString() ?? null,
      late: isLate(t.lapor_plan_due_at, planStopped, null, t.paused_at, at),
    },
  }
}
