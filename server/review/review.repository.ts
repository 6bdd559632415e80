import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { rejectKindSql } from '../tickets/reject.kind.js'
import { lateSql } from '../tickets/late.js'
import { skmFromSums, SKM_ELEMENTS, type SkmResult } from '../ratings/skm.js'

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`
/** Day number of the WIB calendar day (days since 1970-01-01 WIB): no time-zone database needed. */
const WIB_DAY = sql`floor(extract(epoch FROM r.reported_at + interval '7 hours') / 86400)::int`

export interface CategoryCount {
  code: string
  current: number
  previous: number
}

/** Reports per category in [from, to) and in the window of the same length before it. */
export async function categoryCounts(db: Kysely<Database>, from: Date, to: Date): Promise<CategoryCount[]> {
  const prevFrom = new Date(from.getTime() - (to.getTime() - from.getTime()))
  const res = await sql<CategoryCount>`
    SELECT r.category_code AS code,
           count(*) FILTER (WHERE r.reported_at >= ${iso(from)})::int AS current,
           count(*) FILTER (WHERE r.reported_at < ${iso(from)})::int AS previous
    FROM reports r
    WHERE r.reported_at >= ${iso(prevFrom)} AND r.reported_at < ${iso(to)}
    GROUP BY 1 ORDER BY current DESC, code`.execute(db)
  return res.rows
}

export interface DailyRow {
  day: number
  key: string
  n: number
}

/** Reports per WIB day and category in [from, to). */
export async function dailyByCategory(db: Kysely<Database>, from: Date, to: Date): Promise<DailyRow[]> {
  const res = await sql<DailyRow>`
    SELECT ${WIB_DAY} AS day, r.category_code AS key, count(*)::int AS n
    FROM reports r
    WHERE r.reported_at >= ${iso(from)} AND r.reported_at < ${iso(to)}
    GROUP BY 1, 2`.execute(db)
  return res.rows
}

/** Reports per WIB day and kecamatan (a kelurahan's parent) in [from, to); outside every region: key null. */
export async function dailyByKecamatan(db: Kysely<Database>, from: Date, to: Date): Promise<(DailyRow & { name: string | null })[]> {
  const res = await sql<DailyRow & { name: string | null }>`
    SELECT x.day, x.key, k.name, x.n FROM (
      SELECT ${WIB_DAY} AS day, CASE WHEN g.level = 'kelurahan' THEN g.parent_code ELSE g.code END AS key, count(*)::int AS n
      FROM reports r LEFT JOIN regions g ON g.code = r.region_code
      WHERE r.reported_at >= ${iso(from)} AND r.reported_at < ${iso(to)}
      GROUP BY 1, 2
    ) x LEFT JOIN regions k ON k.code = x.key`.execute(db)
  return res.rows
}

export async function countReports(db: Kysely<Database>, from: Date, to: Date): Promise<number> {
  const res = await sql<{ n: number }>`SELECT count(*)::int AS n FROM reports r WHERE r.reported_at >= ${iso(from)} AND r.reported_at < ${iso(to)}`.execute(db)
  return res.rows[0]?.n ?? 0
}

/** When the oldest stored report was made (null: none): a previous period before it has no data to compare with. */
export async function firstReportAt(db: Kysely<Database>): Promise<Date | null> {
  const res = await sql<{ t: Date | null }>`SELECT min(reported_at) AS t FROM reports`.execute(db)
  const t = res.rows[0]?.t
  return t ? new Date(t) : null
}

export interface AgencyName {
  code: string
  short_name: string
  name: string
  name_en: string
  sort_order: number
}

export async function agencyNames(db: Kysely<Database>): Promise<AgencyName[]> {
  return db.selectFrom('agencies').select(['code', 'short_name', 'name_id as name', 'name_en', 'sort_order']).orderBy('sort_order').orderBy('code').execute()
}

/** The satisfaction index (SKM) per agency over the surveys submitted in [from, to). */
export async function skmByAgency(db: Kysely<Database>, from: Date, to: Date): Promise<Map<string, SkmResult>> {
  const res = await sql<{ agency_code: string; n: number; sums: number[] }>`
    SELECT agency_code, count(*)::int AS n,
           ARRAY[${sql.join(SKM_ELEMENTS.map((_, i) => sql`sum(scores[${sql.lit(i + 1)}])::int`))}] AS sums
    FROM skm_responses
    WHERE submitted_at >= ${iso(from)} AND submitted_at < ${iso(to)}
    GROUP BY agency_code`.execute(db)
  return new Map(res.rows.map((r) => [r.agency_code, skmFromSums(r.sums.map(Number), r.n)]))
}

export interface RegionShape {
  code: string
  name: string
  level: string
  label: [number, number]
  geometry: { type: string; coordinates: unknown }
}

/** Kecamatan and kelurahan outlines simplified to `toleranceDeg`, for drawing the report's map. */
export async function regionShapes(db: Kysely<Database>, toleranceDeg: number): Promise<RegionShape[]> {
  const res = await sql<{ code: string; name: string; level: string; lx: number; ly: number; g: string }>`
    SELECT code, name, level, ST_X(label_point) AS lx, ST_Y(label_point) AS ly,
           ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${toleranceDeg}::float8), 5) AS g
    FROM regions WHERE level IN ('kecamatan', 'kelurahan') ORDER BY level DESC, code`.execute(db)
  return res.rows.map((r) => ({ code: r.code, name: r.name, level: r.level, label: [r.lx, r.ly], geometry: JSON.parse(r.g) as RegionShape['geometry'] }))
}

/** [west, south, east, north] of the kecamatan and kelurahan, or null when there are none. */
export async function regionsExtent(db: Kysely<Database>): Promise<[number, number, number, number] | null> {
  const res = await sql<{ w: number | null; s: number | null; e: number | null; n: number | null }>`
    SELECT ST_XMin(x) AS w, ST_YMin(x) AS s, ST_XMax(x) AS e, ST_YMax(x) AS n
    FROM (SELECT ST_Extent(geom) AS x FROM regions WHERE level IN ('kecamatan', 'kelurahan')) t`.execute(db)
  const r = res.rows[0]
  return r && r.w !== null && r.s !== null && r.e !== null && r.n !== null ? [r.w, r.s, r.e, r.n] : null
}

export interface ChannelCount {
  channel: string
  reports: number
  tickets: number
  resolved: number
  late: number
  rejected: number
  rejected_hoax: number
  rejected_prank: number
}


/**
 * Reports per channel in [from, to), with what became of them: the ticket each is in now (the
 * one it was merged into, if so), late by the one definition, rejected (as a hoax, as a prank).
 */
export async function channelCounts(db: Kysely<Database>, from: Date, to: Date): Promise<ChannelCount[]> {
  const res = await sql<ChannelCount>`
    SELECT r.channel,
      count(*)::int AS reports,
      count(DISTINCT t.id)::int AS tickets,
      count(*) FILTER (WHERE t.status IN ('resolved', 'closed'))::int AS resolved,
      count(*) FILTER (WHERE t.id IS NOT NULL AND ${lateSql('any', undefined, 't')})::int AS late,
      count(*) FILTER (WHERE t.status = 'rejected')::int AS rejected,
      count(*) FILTER (WHERE ${rejectKindSql('t')} = 'hoax')::int AS rejected_hoax,
      count(*) FILTER (WHERE ${rejectKindSql('t')} = 'prank')::int AS rejected_prank
    FROM reports r
    LEFT JOIN incidents i ON i.id = r.incident_id
    LEFT JOIN incidents t ON t.id = coalesce(i.merged_into, i.id)
    WHERE r.reported_at >= ${iso(from)} AND r.reported_at < ${iso(to)}
    GROUP BY 1 ORDER BY reports DESC, channel`.execute(db)
  return res.rows
}
