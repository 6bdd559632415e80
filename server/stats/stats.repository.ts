import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { TicketScope } from '../auth/principal.js'
import type { Database } from '../db/database.js'
import { scopeCondition } from '../tickets/ticket.scope.js'
import { agencyTicketRows } from '../tickets/agency-tickets.sql.js'
import { lateSql, redSql } from '../tickets/late.js'
import { rejectKindSql } from '../tickets/reject.kind.js'

export type GroupBy = 'agency' | 'region' | 'agency_region' | 'none'
export type RegionLevel = 'kelurahan' | 'kecamatan'

export interface StatsFilter {
  from: Date
  to: Date
  scope: TicketScope
  agency?: string | undefined
  region?: string | undefined
  category?: string | undefined
}

/**
 * Response figures for the tickets received in [from, to) (the cohort), measured whenever
 * their response or resolution came; backlog = tickets received before `to` still open at `to`.
 * Merged-away incidents are duplicates and count nowhere.
 */
export interface ResponseStatsRow {
  agency_code: string | null
  region_code: string | null
  received: number
  responded: number
  response_p50_min: number | null
  response_p90_min: number | null
  responded_within_sla: number
  resolved: number
  resolve_p50_min: number | null
  resolve_p90_min: number | null
  resolved_within_sla: number
  /** resolved_within_sla / resolved, 0..1; null when nothing was resolved. */
  share_within_sla: number | null
  breached: number
  rejected: number
  backlog: number
  /** Open tickets red now (JAKI: six days without a response; tickets/late.ts). */
  red: number
  /** Rejected tickets of the cohort by kind (those rejected without a kind count in `rejected` only). */
  rejected_hoax: number
  rejected_prank: number
  rejected_duplicate: number
  rejected_out_of_scope: number
}

function regionExpr(level: RegionLevel): RawBuilder<string | null> {
  // A ticket's region is normally a kelurahan/desa; its kecamatan is that region's parent.
  return level === 'kelurahan' ? sql`i.region_code` : sql`CASE WHEN g.level = 'kelurahan' THEN g.parent_code ELSE i.region_code END`
}

function conditions(f: StatsFilter) {
  const where = [sql`i.merged_into IS NULL`, scopeCondition(f.scope), sql`i.created_at < ${f.to.toISOString()}::timestamptz`]
  if (f.agency) where.push(sql`i.agency_code = ${f.agency}`)
  if (f.region) where.push(sql`(i.region_code = ${f.region} OR i.region_code LIKE ${`${f.region}.%`})`)
  if (f.category) where.push(sql`i.category_code = ${f.category}`)
  // The cohort, plus older tickets that were still open at `from` (for the backlog).
  where.push(sql`(i.created_at >= ${f.from.toISOString()}::timestamptz OR i.ended_at IS NULL OR i.ended_at >= ${f.from.toISOString()}::timestamptz)`)
  return sql.join(where, sql` AND `)
}

/**
 * The tickets the response figures count, as rows shaped like incidents `i`. Figures per agency
 * (grouped or filtered by agency, or an agency's own view) count every agency's own tickets by the
 * one definition the ticket lists use (agencyTicketRows), each with its clocks. Other figures
 * count incidents, once each.
 */
function ticketsOf(f: StatsFilter, groupBy: GroupBy) {
  const perAgency = groupBy === 'agency' || groupBy === 'agency_region' || f.agency !== undefined || 'agencyCode' in f.scope
  return perAgency ? agencyTicketRows() : sql`incidents i`
}

export async function responseStats(db: Kysely<Database>, f: StatsFilter, groupBy: GroupBy, level: RegionLevel): Promise<ResponseStatsRow[]> {
  const from = sql`${f.from.toISOString()}::timestamptz`
  const to = sql`${f.to.toISOString()}::timestamptz`
  const agencyKey = groupBy === 'agency' || groupBy === 'agency_region' ? sql`i.agency_code` : sql`NULL::text`
  const regionKey = groupBy === 'region' || groupBy === 'agency_region' ? regionExpr(level) : sql`NULL::text`
  // The region join is needed only to climb from kelurahan to kecamatan.
  const join = level === 'kecamatan' ? sql`LEFT JOIN regions g ON g.code = i.region_code` : sql``
  // Per ticket: null unless it is in the cohort and has the figure. Ordered-set aggregates skip
  // nulls, so one sort per measure gives both percentiles. float8, not extract's numeric: faster.
  // Exact percentiles sort every group's rows: give the sort memory so that a year of tickets
  // does not spill to disk. And no plain index scan: the planner likes walking the
  // (agency_code, created_at) index to get groups in order, which over a year of tickets is
  // several times slower than a (parallel) sequential scan and a sort (bench/stats.bench.ts);
  // bitmap scans stay allowed for short ranges. SET LOCAL: this transaction only.
  const res = await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx)
    await sql`SET LOCAL enable_indexscan = off`.execute(trx)
    return sql<ResponseStatsRow & { resp_p: number[] | null; res_p: number[] | null }>`
    SELECT agency_code, region_code,
      count(*) FILTER (WHERE cohort)::int AS received,
      count(resp_min)::int AS responded,
      percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY resp_min) AS resp_p,
      count(*) FILTER (WHERE cohort AND first_response_at <= response_due_at)::int AS responded_within_sla,
      count(res_min)::int AS resolved,
      percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY res_min) AS res_p,
      count(*) FILTER (WHERE cohort AND resolved_at <= resolve_due_at)::int AS resolved_within_sla,
      count(*) FILTER (WHERE cohort AND late)::int AS breached,
      count(*) FILTER (WHERE cohort AND status = 'rejected')::int AS rejected,
      count(*) FILTER (WHERE ended_at IS NULL OR ended_at >= ${to})::int AS backlog,
      count(*) FILTER (WHERE red)::int AS red,
      count(*) FILTER (WHERE cohort AND reject_kind = 'hoax')::int AS rejected_hoax,
      count(*) FILTER (WHERE cohort AND reject_kind = 'prank')::int AS rejected_prank,
      count(*) FILTER (WHERE cohort AND reject_kind = 'duplicate')::int AS rejected_duplicate,
      count(*) FILTER (WHERE cohort AND reject_kind = 'out_of_scope')::int AS rejected_out_of_scope
    FROM (
      SELECT ${agencyKey} AS agency_code, ${regionKey} AS region_code, i.created_at >= ${from} AS cohort,
        CASE WHEN i.created_at >= ${from} THEN extract(epoch FROM i.first_response_at - i.created_at)::float8 / 60 END AS resp_min,
        CASE WHEN i.created_at >= ${from} THEN extract(epoch FROM i.resolved_at - i.created_at)::float8 / 60 END AS res_min,
        i.first_response_at, i.response_due_at, i.resolved_at, i.resolve_due_at, ${lateSql('any')} AS late, ${redSql()} AS red,
        i.status, i.ended_at, ${rejectKindSql('i')} AS reject_kind
      FROM ${ticketsOf(f, groupBy)} ${join}
      WHERE ${conditions(f)}
    ) t
    GROUP BY 1, 2
    ORDER BY 1 NULLS LAST, 2 NULLS LAST`.execute(trx)
  })
  return res.rows.map(({ resp_p, res_p, ...r }) => ({
    ...r,
    response_p50_min: num(resp_p?.[0]),
    response_p90_min: num(resp_p?.[1]),
    resolve_p50_min: num(res_p?.[0]),
    resolve_p90_min: num(res_p?.[1]),
    share_within_sla: r.resolved > 0 ? round(r.resolved_within_sla / r.resolved, 4) : null,
  }))
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d
const num = (v: unknown) => (v === null || v === undefined ? null : round(Number(v), 2))

/** The response heatmap: one entry per region, as parallel arrays (compact for the wall). */
export interface Heatmap {
  regions: string[]
  received: number[]
  backlog: number[]
  breached: number[]
  response_p50_min: (number | null)[]
  share_within_sla: (number | null)[]
}

export async function responseHeatmap(db: Kysely<Database>, f: StatsFilter, level: RegionLevel): Promise<Heatmap> {
  const rows = (await responseStats(db, { ...f }, 'region', level)).filter((r) => r.region_code !== null)
  return {
    regions: rows.map((r) => r.region_code!),
    received: rows.map((r) => r.received),
    backlog: rows.map((r) => r.backlog),
    breached: rows.map((r) => r.breached),
    response_p50_min: rows.map((r) => r.response_p50_min),
    share_within_sla: rows.map((r) => r.share_within_sla),
  }
}

export async function ratingStats(db: Kysely<Database>, f: { from: Date; to: Date; agency?: string | undefined }) {
  const res = await sql<{ agency_code: string | null; n: number; mean: number; s1: number; s2: number; s3: number; s4: number; s5: number }>`
    SELECT agency_code, count(*)::int AS n, avg(score)::float8 AS mean,
      count(*) FILTER (WHERE score = 1)::int AS s1, count(*) FILTER (WHERE score = 2)::int AS s2,
      count(*) FILTER (WHERE score = 3)::int AS s3, count(*) FILTER (WHERE score = 4)::int AS s4,
      count(*) FILTER (WHERE score = 5)::int AS s5
    FROM ratings
    WHERE created_at >= ${f.from.toISOString()}::timestamptz AND created_at < ${f.to.toISOString()}::timestamptz
      ${f.agency ? sql`AND agency_code = ${f.agency}` : sql``}
    GROUP BY agency_code ORDER BY agency_code NULLS LAST`.execute(db)
  return res.rows.map((r) => ({ agency_code: r.agency_code, ratings: r.n, mean: round(Number(r.mean), 2), distribution: [r.s1, r.s2, r.s3, r.s4, r.s5] }))
}
