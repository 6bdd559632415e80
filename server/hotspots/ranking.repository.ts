import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { previousWindow, type TimeWindow } from './hotspot.window.js'

export interface RankingRow {
  code: string
  name: string
  parent_code: string | null
  parent_name: string | null
  area_km2: number
  current: number
  previous: number
}

export type RankingLevel = 'kelurahan' | 'kecamatan'
export type RankingSort = 'count' | 'per_km2' | 'change'

const ORDER: Record<RankingSort, ReturnType<typeof sql>> = {
  count: sql`current DESC, per_km2 DESC, code`,
  per_km2: sql`per_km2 DESC, current DESC, code`,
  change: sql`(current - previous) DESC, current DESC, code`,
}

/**
 * Problem load per kelurahan/desa (or kecamatan, rolled up from the kelurahan a report is in)
 * in a window and in the previous window of the same length.
 */
export async function rankRegions(
  db: Kysely<Database>,
  w: TimeWindow,
  opts: { level: RankingLevel; category?: string | undefined; sort: RankingSort; limit: number },
): Promise<RankingRow[]> {
  const prev = previousWindow(w)
  const cat = opts.category ? sql`AND r.category_code = ${opts.category}` : sql``
  // A report's region is the most specific one containing it; kecamatan figures add up their kelurahan.
  const unit = opts.level === 'kelurahan' ? sql`g.code` : sql`CASE WHEN g.level = 'kelurahan' THEN g.parent_code ELSE g.code END`
  const res = await sql<RankingRow>`
    WITH counts AS (
      SELECT ${unit} AS code,
             count(*) FILTER (WHERE r.reported_at >= ${w.from.toISOString()}::timestamptz)::int AS current,
             count(*) FILTER (WHERE r.reported_at < ${w.from.toISOString()}::timestamptz)::int AS previous
      FROM reports r JOIN regions g ON g.code = r.region_code
      WHERE r.reported_at >= ${prev.from.toISOString()}::timestamptz AND r.reported_at < ${w.to.toISOString()}::timestamptz ${cat}
      GROUP BY 1
    )
    SELECT g.code, g.name, g.parent_code, pg.name AS parent_name, g.area_km2, c.current, c.previous,
           c.current / greatest(g.area_km2, 0.01) AS per_km2
    FROM counts c JOIN regions g ON g.code = c.code AND g.level = ${opts.level}
    LEFT JOIN regions pg ON pg.code = g.parent_code
    WHERE c.current > 0 OR c.previous > 0
    ORDER BY ${ORDER[opts.sort]}
    LIMIT ${opts.limit}`.execute(db)
  return res.rows
}
