import { sql } from 'kysely'
import type { Executor } from '../db/database.js'
import { CLOSED_STATUSES } from '../tickets/ticket.rules.js'

/** An open incident near a point, as a citizen may see it: no reporter, no words, no photos. */
export interface NearbyRow {
  id: string
  category_code: string
  status: string
  lat: number
  lon: number
  region_name: string | null
  report_count: number
  first_reported_at: Date
  last_reported_at: Date
  distance_m: number
}

const CLOSED = sql.raw(CLOSED_STATUSES.map((s) => `'${s}'`).join(', '))

/**
 * Open incidents (not closed, not merged away) of these categories within `radiusM` metres of
 * the point, nearest first, at most `limit`. The same distance test as intake matching
 * (sigap_match_point in migrations/functions/matching.sql), so what is listed can be joined.
 */
export async function openIncidentsNear(
  db: Executor,
  p: { lat: number; lon: number; categories: string[]; radiusM: number; limit: number },
): Promise<NearbyRow[]> {
  const res = await sql<NearbyRow>`
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(${p.lon}::float8, ${p.lat}::float8), 4326) AS g)
    SELECT i.id, i.category_code, i.status, ST_Y(i.location) AS lat, ST_X(i.location) AS lon, g.name AS region_name,
           i.report_count, i.first_reported_at, i.last_reported_at,
           ST_Distance(i.location::geography, pt.g::geography) AS distance_m
    FROM incidents i CROSS JOIN pt LEFT JOIN regions g ON g.code = i.region_code
    WHERE i.status NOT IN (${CLOSED}) AND i.merged_into IS NULL
      AND i.category_code IN (SELECT unnest(string_to_array(${p.categories.join(',')}, ',')))
      AND ST_DWithin(i.location::geography, pt.g::geography, ${p.radiusM}::float8)
    ORDER BY distance_m, i.id
    LIMIT ${p.limit}`.execute(db)
  return res.rows.map((r) => ({ ...r, distance_m: Number(r.distance_m), report_count: Number(r.report_count) }))
}

/** Metres between an incident and a point; null when there is no such incident. */
export async function incidentDistanceM(db: Executor, incidentId: string, at: { lat: number; lon: number }): Promise<number | null> {
  const res = await sql<{ d: number }>`
    SELECT ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(${at.lon}::float8, ${at.lat}::float8), 4326)::geography) AS d
    FROM incidents WHERE id = ${incidentId}::uuid`.execute(db)
  return res.rows[0] ? Number(res.rows[0].d) : null
}
