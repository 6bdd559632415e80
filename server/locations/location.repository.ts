import { sql, type Transaction } from 'kysely'
import type { Database, Executor, LocationStatus } from '../db/database.js'


/** One location check as stored with the report (names looked up for the answer). */
export interface LocationCheckRow {
  status: LocationStatus
  claimed_code: string | null
  claimed_name: string | null
  detected_code: string | null
  detected_name: string | null
  distance_m: number | null
  /** Where the report belongs now: see sigap_location_check in migrations/0003_locations.sql. */
  region_code: string | null
  region_name: string | null
}

const pointOf = (lon: number, lat: number) => sql`ST_SetSRID(ST_MakePoint(${lon}::float8, ${lat}::float8), 4326)`

/** The check of a point against a claim, without storing anything (a corrected pin is validated with it). */
export async function checkPoint(db: Executor, lon: number, lat: number, claim: string | null, accuracyM: number | null, defaultToleranceM: number) {
  const res = await sql<{ status: LocationStatus; claimed_code: string | null; detected_code: string | null; distance_m: number | null; region_code: string | null }>`
    SELECT * FROM sigap_location_check(${pointOf(lon, lat)}, ${claim}::text, ${accuracyM}::float8, ${defaultToleranceM}::float8)`.execute(db)
  return res.rows[0]!
}

/** Moves a report's point (a corrected pin) and stores the check of the new point. */
export async function moveReportPoint(trx: Transaction<Database>, reportId: string, lon: number, lat: number, defaultToleranceM: number): Promise<void> {
  await sql`
    WITH c AS (SELECT f.* FROM reports r0, sigap_location_check(${pointOf(lon, lat)}, r0.claimed_region, r0.accuracy_m, ${defaultToleranceM}::float8) f
               WHERE r0.id = ${reportId}::uuid)
    UPDATE reports SET location = ${pointOf(lon, lat)}, location_status = c.status, claimed_region_code = c.claimed_code,
      detected_region_code = c.detected_code, claim_distance_m = c.distance_m, region_code = c.region_code, location_checked_at = now()
    FROM c WHERE reports.id = ${reportId}::uuid`.execute(trx)
}

/** Counts of stored reports by check outcome (null: not checked yet). */
export async function statusCounts(db: Executor): Promise<Record<string, number>> {
  const res = await sql<{ status: string | null; n: number }>`
    SELECT location_status AS status, count(*)::int AS n FROM reports GROUP BY 1`.execute(db)
  return Object.fromEntries(res.rows.map((r) => [r.status ?? 'unchecked', Number(r.n)]))
}
