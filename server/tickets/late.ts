import { sql, type RawBuilder } from 'kysely'

/**
 * The one definition of "late" (migrations/functions/late.sql, `sigap_late`): a clock is late
 * when its due time passed before it stopped, or has passed by `at` while it still runs. The
 * response clock stops at the first response; the resolution clock when the ticket leaves the
 * open states. A clock the SLA checker flagged stays late; a missing flag proves nothing. Stats, the wall, the review, its PDF, /metrics and ticket views all use it.
 */
export function isLate(due: Date | null, stopped: Date | null, flagged: Date | null, at: Date): boolean {
  return flagged !== null || (due !== null && (stopped ?? at).getTime() > due.getTime())
}

export interface Clocks {
  response_due_at: Date | null
  first_response_at: Date | null
  resolve_due_at: Date | null
  ended_at: Date | null
  response_breached_at: Date | null
  resolve_breached_at: Date | null
  /** Set while the ticket waits for its reporter: its clocks stand still at the pause. */
  paused_at?: Date | null
}

export const responseLate = (t: Clocks, at: Date) => isLate(t.response_due_at, t.first_response_at, t.response_breached_at, t.paused_at ?? at)
export const resolveLate = (t: Clocks, at: Date) => isLate(t.resolve_due_at, t.ended_at, t.resolve_breached_at, t.paused_at ?? at)

/**
 * The same in SQL over incidents aliased `a` (default `i`), judged at `at` (default now()), or
 * at the pause of a ticket waiting for its reporter (its clocks stand still meanwhile).
 */
export function lateSql(which: 'response' | 'resolve' | 'any', at?: Date, a = 'i'): RawBuilder<boolean> {
  const when = sql`coalesce(${sql.ref(`${a}.paused_at`)}, ${at ? sql`${at.toISOString()}::timestamptz` : sql`now()`})`
  const resp = sql`sigap_late(${sql.ref(`${a}.response_due_at`)}, ${sql.ref(`${a}.first_response_at`)}, ${sql.ref(`${a}.response_breached_at`)}, ${when})`
  const res = sql`sigap_late(${sql.ref(`${a}.resolve_due_at`)}, ${sql.ref(`${a}.ended_at`)}, ${sql.ref(`${a}.resolve_breached_at`)}, ${when})`
  if (which === 'response') return sql<boolean>`${resp}`
  if (which === 'resolve') return sql<boolean>`${res}`
  return sql<boolean>`(${resp} OR ${res})`
}

/** Jakarta's CRM rule: a ticket still without a first response six days after it came in turns red. */
export const RED_AFTER_MS = 6 * 86_400_000

export function isRed(t: { first_response_at: Date | null; created_at: Date; ended_at: Date | null }, at: Date): boolean {
  return t.first_response_at === null && t.ended_at === null && at.getTime() - t.created_at.getTime() >= RED_AFTER_MS
}
