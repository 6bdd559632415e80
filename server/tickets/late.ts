import { sql, type RawBuilder } from 'kysely'

/**
 * The one definition of "late" (migrations/functions/late.sql, `sigap_late`): a clock is late
 * when its due time passed before it stopped, or has passed by `at` while it still runs. The
 * response clock stops at the first response; the resolution clock when the ticket leaves the
 * open states. While the ticket waits for its reporter (`paused`: since when) its clocks stand
 * still, judged at the pause; the pause's credit is in the due time once it ends. A clock the
 * SLA checker flagged stays late; a missing flag proves nothing. Stats, the wall, the review,
 * its PDF, /metrics, the SLA checker and ticket views all use it.
 */
export function isLate(due: Date | null, stopped: Date | null, flagged: Date | null, paused: Date | null, at: Date): boolean {
  return flagged !== null || (due !== null && (stopped ?? paused ?? at).getTime() > due.getTime())
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

export const responseLate = (t: Clocks, at: Date) => isLate(t.response_due_at, t.first_response_at, t.response_breached_at, t.paused_at ?? null, at)
export const resolveLate = (t: Clocks, at: Date) => isLate(t.resolve_due_at, t.ended_at, t.resolve_breached_at, t.paused_at ?? null, at)

/** The same in SQL over incidents aliased `a` (default `i`), judged at `at` (default now()). */
export function lateSql(which: 'response' | 'resolve' | 'any', at?: Date, a = 'i'): RawBuilder<boolean> {
  const when = at ? sql`${at.toISOString()}::timestamptz` : sql`now()`
  const paused = sql.ref(`${a}.paused_at`)
  const resp = sql`sigap_late(${sql.ref(`${a}.response_due_at`)}, ${sql.ref(`${a}.first_response_at`)}, ${sql.ref(`${a}.response_breached_at`)}, ${paused}, ${when})`
  const res = sql`sigap_late(${sql.ref(`${a}.resolve_due_at`)}, ${sql.ref(`${a}.ended_at`)}, ${sql.ref(`${a}.resolve_breached_at`)}, ${paused}, ${when})`
  if (which === 'response') return sql<boolean>`${resp}`
  if (which === 'resolve') return sql<boolean>`${res}`
  return sql<boolean>`(${resp} OR ${res})`
}

/**
 * Jakarta's CRM rule (JAKI): an open ticket with no response for six days, neither a change of
 * state nor a staff action (re-routing, a category change), is red ("merah"). A ticket waiting
 * for its reporter is not: the silence is the reporter's. `redSql` is the same in SQL.
 */
export const RED_AFTER_DAYS = 6
const RED_AFTER_MS = RED_AFTER_DAYS * 86_400_000

export interface RedClock {
  created_at: Date
  status_changed_at: Date | null
  acted_at: Date | null
  ended_at: Date | null
  paused_at: Date | null
  merged_into: string | null
}

/** The ticket's last change of state or staff action (its creation when none). */
export function lastActionAt(t: RedClock): Date {
  return new Date(Math.max(t.created_at.getTime(), t.status_changed_at?.getTime() ?? 0, t.acted_at?.getTime() ?? 0))
}

export function isRed(t: RedClock, at: Date): boolean {
  return t.ended_at === null && t.paused_at === null && t.merged_into === null && at.getTime() - lastActionAt(t).getTime() >= RED_AFTER_MS
}

export function redSql(at?: Date, a = 'i'): RawBuilder<boolean> {
  const when = at ? sql`${at.toISOString()}::timestamptz` : sql`now()`
  const c = (col: string) => sql.ref(`${a}.${col}`)
  return sql<boolean>`(${c('ended_at')} IS NULL AND ${c('paused_at')} IS NULL AND ${c('merged_into')} IS NULL
    AND greatest(${c('created_at')}, ${c('status_changed_at')}, ${c('acted_at')}) <= ${when} - ${RED_AFTER_DAYS} * interval '1 day')`
}

/**
 * A ticket's clocks as every view shows them (ticketView, agencyTicketView): due times, stops,
 * late by the one definition above, and JAKI's red. One place, so an added agency's ticket turns
 * late and red exactly as a lead ticket does.
 */
export function clocksView(t: Clocks & RedClock & { resolved_at: Date | null }, now: Date) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  return {
    response_due_at: iso(t.response_due_at),
    resolve_due_at: iso(t.resolve_due_at),
    first_response_at: iso(t.first_response_at),
    resolved_at: iso(t.resolved_at),
    response_breached: responseLate(t, now),
    resolve_breached: resolveLate(t, now),
    /** Six days without a response (JAKI's red, isRed): shown on every staff screen. */
    red: isRed(t, now),
  }
}
