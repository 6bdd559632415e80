import { sql, type Transaction } from 'kysely'
import type { TicketScope } from '../auth/principal.js'
import type { Database, Executor } from '../db/database.js'
import { scopeCondition } from '../tickets/ticket.scope.js'
import { CLOSED_STATUSES } from '../tickets/ticket.rules.js'

export interface IncidentRow {
  id: string
  category_code: string
  status: string
  lat: number
  lon: number
  region_code: string | null
  region_name: string | null
  report_count: number
  channels: string[]
  first_reported_at: Date
  last_reported_at: Date
  merged_into: string | null
  split_from: string | null
  created_at: Date
  updated_at: Date
  /** The agency it is routed to (tickets); absent from the rows the intake's match function returns. */
  agency_code?: string | null
}

/** An incident still taking reports: not closed, not merged away. */
const openAs = (alias: string) =>
  sql.raw(`${alias}.status NOT IN (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')}) AND ${alias}.merged_into IS NULL`)

/** Columns of an IncidentRow from `incidents` aliased `i` (regions aliased `g` joined on its region). */
const INCIDENT_COLUMNS = sql`i.id, i.category_code, i.status, ST_Y(i.location) AS lat, ST_X(i.location) AS lon, i.region_code,
  g.name AS region_name, i.report_count, i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.split_from,
  i.created_at, i.updated_at, i.agency_code`

/** Waits for the advisory locks of the given keys (released at commit). */
export async function lockKeys(trx: Transaction<Database>, keys: string[]): Promise<void> {
  if (keys.length === 0) return
  // Comma-joined text: the one array form both drivers (pg, PGlite) pass the same way.
  await sql`SELECT pg_advisory_xact_lock(k) FROM unnest(string_to_array(${keys.join(',')}, ',')::bigint[]) AS k`.execute(trx)
}

export async function findIncident(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<IncidentRow | undefined> {
  // FOR UPDATE OF i: lock the incident, not the region row it is joined to.
  const lock = opts.forUpdate ? sql`FOR UPDATE OF i` : sql``
  const res = await sql<IncidentRow>`
    SELECT ${INCIDENT_COLUMNS} FROM incidents i LEFT JOIN regions g ON g.code = i.region_code
    WHERE i.id = ${id}::uuid ${lock}`.execute(db)
  return res.rows[0]
}

export interface IncidentFilter {
  bbox?: [number, number, number, number] | undefined
  categories?: string[] | undefined
  statuses?: string[] | undefined
  /** Only open incidents (not resolved, closed, rejected or merged away). */
  open?: boolean | undefined
  /** A region code: the region itself and everything under it (code prefix). */
  region?: string | undefined
  from?: Date | undefined
  to?: Date | undefined
  includeMerged?: boolean | undefined
  /** The viewer's part (principal.ts ticketScope); absent: everything. */
  scope?: TicketScope | undefined
  limit: number
}

/** Incidents for the map and lists, newest activity first. */
/**
 * The list filter a GET /api/incidents query asks for, kept to the viewer's scope. The API and
 * the open-data export share it, so that neither can show more than the other.
 */
export function incidentFilterOf(
  q: { bbox?: [number, number, number, number] | undefined; category?: string[] | undefined; status?: 'open' | string[] | undefined; region?: string | undefined; from?: string | undefined; to?: string | undefined; limit: number },
  scope: TicketScope,
): IncidentFilter {
  return {
    bbox: q.bbox,
    categories: q.category,
    statuses: q.status === 'open' ? undefined : q.status,
    open: q.status === 'open',
    region: q.region,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    limit: q.limit,
    scope,
  }
}

export async function listIncidents(db: Executor, f: IncidentFilter): Promise<IncidentRow[]> {
  const where = [sql`true`]
  if (f.bbox) where.push(sql`i.location && ST_MakeEnvelope(${f.bbox[0]}::float8, ${f.bbox[1]}::float8, ${f.bbox[2]}::float8, ${f.bbox[3]}::float8, 4326)`)
  if (f.categories?.length) where.push(sql`i.category_code = ANY(string_to_array(${f.categories.join(',')}, ','))`)
  if (f.statuses?.length) where.push(sql`i.status = ANY(string_to_array(${f.statuses.join(',')}, ','))`)
  if (f.open) where.push(openAs('i'))
  if (f.region) where.push(sql`(i.region_code = ${f.region} OR i.region_code LIKE ${`${f.region}.%`})`)
  if (f.from) where.push(sql`i.last_reported_at >= ${f.from.toISOString()}::timestamptz`)
  if (f.to) where.push(sql`i.first_reported_at < ${f.to.toISOString()}::timestamptz`)
  if (!f.includeMerged) where.push(sql`i.merged_into IS NULL`)
  if (f.scope) where.push(scopeCondition(f.scope))
  const res = await sql<IncidentRow>`
    SELECT ${INCIDENT_COLUMNS} FROM incidents i LEFT JOIN regions g ON g.code = i.region_code
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY i.last_reported_at DESC, i.id
    LIMIT ${f.limit}`.execute(db)
  return res.rows
}

/** Moves reports to an incident. Returns the ids actually moved. */
export async function moveReports(trx: Transaction<Database>, reportIds: string[], toIncident: string): Promise<string[]> {
  const res = await sql<{ id: string }>`
    UPDATE reports SET incident_id = ${toIncident}::uuid
    WHERE id = ANY(string_to_array(${reportIds.join(',')}, ',')::uuid[]) RETURNING id`.execute(trx)
  return res.rows.map((r) => r.id).sort()
}

export async function reportIdsOf(db: Executor, incidentId: string): Promise<string[]> {
  const res = await sql<{ id: string }>`SELECT id FROM reports WHERE incident_id = ${incidentId}::uuid ORDER BY id`.execute(db)
  return res.rows.map((r) => r.id)
}

/**
 * Recomputes an incident's summary from its reports (after a merge or split): mean location,
 * count, channels, first/last times, and the region most of its reports are in.
 */
export async function refreshIncident(trx: Transaction<Database>, id: string): Promise<void> {
  await sql`
    UPDATE incidents i SET location = s.centre, report_count = s.n, channels = s.channels,
      first_reported_at = s.first, last_reported_at = s.last, region_code = s.region, updated_at = now()
    FROM (
      SELECT ST_SetSRID(ST_MakePoint(avg(ST_X(location)), avg(ST_Y(location))), 4326) AS centre, count(*)::int AS n,
             ARRAY(SELECT DISTINCT channel FROM reports WHERE incident_id = ${id}::uuid ORDER BY 1) AS channels,
             min(reported_at) AS first, max(reported_at) AS last,
             (SELECT region_code FROM reports WHERE incident_id = ${id}::uuid AND region_code IS NOT NULL
              GROUP BY region_code ORDER BY count(*) DESC, min(reported_at), region_code LIMIT 1) AS region
      FROM reports WHERE incident_id = ${id}::uuid
    ) s
    WHERE i.id = ${id}::uuid AND s.n > 0`.execute(trx)
}

/** Marks `source` as merged into `target` (closed, no reports); earlier merges into it follow along. */
export async function markMerged(trx: Transaction<Database>, source: string, target: string): Promise<void> {
  await sql`UPDATE incidents SET merged_into = ${target}::uuid, status = 'closed', report_count = 0, updated_at = now()
            WHERE id = ${source}::uuid`.execute(trx)
  await sql`UPDATE incidents SET merged_into = ${target}::uuid WHERE merged_into = ${source}::uuid`.execute(trx)
}

/** A new incident for reports split out of `from`; its summary is filled by refreshIncident. */
export async function openSplitIncident(trx: Transaction<Database>, from: string, reportIds: string[]): Promise<string> {
  const res = await sql<{ id: string }>`
    INSERT INTO incidents (category_code, location, report_count, channels, first_reported_at, last_reported_at, split_from)
    SELECT (SELECT category_code FROM reports WHERE id = ANY(ids) GROUP BY category_code ORDER BY count(*) DESC, category_code LIMIT 1),
           ST_SetSRID(ST_MakePoint(0, 0), 4326), 0, '{}', now(), now(), ${from}::uuid
    FROM (SELECT string_to_array(${reportIds.join(',')}, ',')::uuid[] AS ids) x
    RETURNING id`.execute(trx)
  return res.rows[0]!.id
}

/** The incident a previous split of exactly these reports out of `from` created, if any (retries). */
export async function findEarlierSplit(db: Executor, from: string, reportIds: string[]): Promise<string | undefined> {
  const res = await sql<{ id: string }>`
    SELECT i.id FROM incidents i
    WHERE i.split_from = ${from}::uuid
      AND ARRAY(SELECT id FROM reports WHERE incident_id = i.id ORDER BY id) = ${`{${[...reportIds].sort().join(',')}}`}::uuid[]`.execute(db)
  return res.rows[0]?.id
}
