import { sql, type Kysely } from 'kysely'
import type { TicketScope } from '../auth/principal.js'
import type { Database } from '../db/database.js'
import { scopeCondition } from '../tickets/ticket.scope.js'
import { OPEN_STATUSES } from '../tickets/ticket.rules.js'
import { lateSql, redSql } from '../tickets/late.js'
import type { TicketInput } from './wall.codec.js'

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`
const OPEN = sql`i.status = ANY(string_to_array(${OPEN_STATUSES.join(',')}, ','))`

/** Two moments to compare: "today so far" and the same stretch of yesterday. */
export interface SummaryRanges {
  now: Date
  todayStart: Date
  yesterdayStart: Date
  yesterdayNow: Date
}

export interface SummaryRow {
  open_now: number
  open_yesterday: number
  new_today: number
  new_yesterday: number
  late_now: number
  late_yesterday: number
  response_p50_today: number | null
  response_p50_yesterday: number | null
  responded_today: number
  responded_yesterday: number
}

/**
 * The wall's headline figures in one pass over the tickets. Everything is derived from the
 * ticket's own timestamps, so yesterday's figures are as exact as today's:
 * - open at a moment: created before it and not ended by it (merged duplicates never count);
 * - late: an open ticket past its SLA (either clock) by the one definition (tickets/late.ts),
 *   the figure the tickets scene and its ringed pins show; yesterday's judged on the ticket as
 *   it stood at that moment (a response, end, flag or pause that came later is left out);
 * - response time: first response minus creation, for responses given in the range.
 */
export async function wallSummary(db: Kysely<Database>, scope: TicketScope, r: SummaryRanges): Promise<SummaryRow> {
  const [now, t0, y0, y1] = [ts(r.now), ts(r.todayStart), ts(r.yesterdayStart), ts(r.yesterdayNow)]
  const inRange = (col: ReturnType<typeof sql>, a: ReturnType<typeof sql>, b: ReturnType<typeof sql>) => sql`(${col} >= ${a} AND ${col} < ${b})`
  const openThen = sql`(i.created_at < ${y1} AND (i.ended_at IS NULL OR i.ended_at >= ${y1}))`
  // The ticket's clocks as they stood at yesterday's moment, for the one definition to judge.
  const asOf = (col: string) => sql`CASE WHEN ${sql.ref(`i.${col}`)} <= ${y1} THEN ${sql.ref(`i.${col}`)} END AS ${sql.ref(col)}`
  const respMin = sql`extract(epoch FROM i.first_response_at - i.created_at)::float8 / 60`
  const res = await sql<SummaryRow>`
    SELECT
      count(*) FILTER (WHERE ${OPEN})::int AS open_now,
      count(*) FILTER (WHERE ${openThen})::int AS open_yesterday,
      count(*) FILTER (WHERE ${inRange(sql`i.created_at`, t0, now)})::int AS new_today,
      count(*) FILTER (WHERE ${inRange(sql`i.created_at`, y0, y1)})::int AS new_yesterday,
      count(*) FILTER (WHERE ${OPEN} AND ${lateSql('any', r.now)})::int AS late_now,
      count(*) FILTER (WHERE ${openThen} AND ${lateSql('any', r.yesterdayNow, 'y')})::int AS late_yesterday,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${respMin}) FILTER (WHERE ${inRange(sql`i.first_response_at`, t0, now)}) AS response_p50_today,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY ${respMin}) FILTER (WHERE ${inRange(sql`i.first_response_at`, y0, y1)}) AS response_p50_yesterday,
      count(*) FILTER (WHERE ${inRange(sql`i.first_response_at`, t0, now)})::int AS responded_today,
      count(*) FILTER (WHERE ${inRange(sql`i.first_response_at`, y0, y1)})::int AS responded_yesterday
    FROM incidents i
    CROSS JOIN LATERAL (SELECT i.response_due_at, i.resolve_due_at, ${sql.join(['first_response_at', 'ended_at', 'response_breached_at', 'resolve_breached_at', 'paused_at'].map(asOf))}) y
    WHERE i.merged_into IS NULL AND ${scopeCondition(scope)}
      AND (${OPEN} OR i.ended_at >= ${y0} OR i.created_at >= ${y0} OR i.response_due_at >= ${y0} OR i.resolve_due_at >= ${y0})`.execute(db)
  const row = res.rows[0]!
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return { ...row, response_p50_today: num(row.response_p50_today), response_p50_yesterday: num(row.response_p50_yesterday) }
}

/** Every open ticket in the scope, the few columns a map pin needs (what the wall codec encodes). */
export async function openTickets(db: Kysely<Database>, scope: TicketScope, now: Date): Promise<TicketInput[]> {
  const res = await sql<TicketInput>`
    SELECT i.id, ST_X(i.location) AS lon, ST_Y(i.location) AS lat, i.report_count, i.category_code, i.priority, i.is_emergency,
      ${lateSql('any', now)} AS breached, ${redSql(now)} AS red
    FROM incidents i
    WHERE i.merged_into IS NULL AND ${OPEN} AND ${scopeCondition(scope)}
    ORDER BY i.id`.execute(db)
  return res.rows
}

/** An open ticket as the wall lists it: what, where, whose, since when. No reporter, ever. */
export interface OldestOpenRow {
  id: string
  category_code: string
  region_name: string | null
  agency_name: string | null
  created_at: Date
  late: boolean
}

/** The longest-open tickets in the scope, oldest first: the tickets scene lists them. */
export async function oldestOpen(db: Kysely<Database>, scope: TicketScope, now: Date, limit: number): Promise<OldestOpenRow[]> {
  const res = await sql<OldestOpenRow>`
    SELECT i.id, i.category_code, g.name AS region_name, a.short_name AS agency_name, i.created_at, ${lateSql('any', now)} AS late
    FROM incidents i
    LEFT JOIN regions g ON g.code = i.region_code
    LEFT JOIN agencies a ON a.code = i.agency_code
    WHERE i.merged_into IS NULL AND ${OPEN} AND ${scopeCondition(scope)}
    ORDER BY i.created_at, i.id
    LIMIT ${limit}`.execute(db)
  return res.rows
}
