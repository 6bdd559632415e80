import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Database, DisputeDecision, DisputeState, Executor } from '../db/database.js'
import type { DisputeScope } from './dispute.access.js'


export const ACTIVE_STATES: readonly DisputeState[] = ['open', 'proposed']

export interface DisputeRow {
  id: string
  report_id: string
  incident_id: string | null
  category_code: string
  claim_text: string | null
  state: DisputeState
  claimed_region_code: string
  claimed_name: string | null
  detected_region_code: string
  detected_name: string | null
  lon: number
  lat: number
  distance_m: number | null
  accuracy_m: number | null
  proposal: Record<string, unknown> | null
  decision: DisputeDecision | null
  decision_reason: string | null
  corrected_lon: number | null
  corrected_lat: number | null
  decided_by_user: string | null
  decided_by_role: string | null
  decided_at: Date | null
  overdue_at: Date | null
  opened_at: Date
  updated_at: Date
}

const COLUMNS = sql`d.id, d.report_id, rp.incident_id, rp.category_code, rp.claimed_region AS claim_text, d.state,
  d.claimed_region_code, sigap_region_name(d.claimed_region_code) AS claimed_name,
  d.detected_region_code, sigap_region_name(d.detected_region_code) AS detected_name,
  ST_X(d.location) AS lon, ST_Y(d.location) AS lat, d.distance_m, d.accuracy_m, d.proposal, d.decision, d.decision_reason,
  ST_X(d.corrected_location) AS corrected_lon, ST_Y(d.corrected_location) AS corrected_lat,
  d.decided_by_user, d.decided_by_role, d.decided_at, d.overdue_at, d.opened_at, d.updated_at`
const FROM = sql`location_disputes d JOIN reports rp ON rp.id = d.report_id`

/** Codes as one comma-joined text: the one array form both drivers (pg, PGlite) pass alike. */
const within = (col: RawBuilder<unknown>, codes: string[]) =>
  sql`EXISTS (SELECT 1 FROM unnest(string_to_array(${codes.join(',')}, ',')) AS s WHERE ${col} = s OR ${col} LIKE s || '.%')`

/** The SQL form of dispute.access.ts's scope: a head sees disputes involving one of their regions. */
export function scopeCondition(scope: DisputeScope) {
  if (scope.all) return sql`true`
  if (scope.regionCodes.length === 0) return sql`false`
  return sql`(${within(sql`d.claimed_region_code`, scope.regionCodes)} OR ${within(sql`d.detected_region_code`, scope.regionCodes)})`
}

export interface NewDispute {
  report_id: string
  claimed_region_code: string
  detected_region_code: string
  lon: number
  lat: number
  distance_m: number | null
  accuracy_m: number | null
}

/**
 * Opens disputes and records their "opened" action, in one statement that returns them; a
 * report that already has an undecided dispute gets no second.
 */
export async function insertDisputes(trx: Transaction<Database>, ds: NewDispute[], opened: { cause: string; actor_role: string; at: Date }): Promise<DisputeRow[]> {
  if (ds.length === 0) return []
  const res = await sql<DisputeRow>`
    WITH ins AS (
      INSERT INTO location_disputes (report_id, claimed_region_code, detected_region_code, location, distance_m, accuracy_m)
      SELECT x.report_id, x.claimed_region_code, x.detected_region_code, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326), x.distance_m, x.accuracy_m
      FROM jsonb_to_recordset(${JSON.stringify(ds)}::jsonb)
        AS x(report_id uuid, claimed_region_code text, detected_region_code text, lon float8, lat float8, distance_m float8, accuracy_m float8)
      ON CONFLICT DO NOTHING
      RETURNING *
    ), a AS (
      INSERT INTO dispute_actions (dispute_id, action, actor_role, data, at)
      SELECT ins.id, 'opened', ${opened.actor_role}, jsonb_build_object('cause', ${opened.cause}::text), ${opened.at.toISOString()}::timestamptz FROM ins
    )
    -- Each report by its key: PostgreSQL cannot tell how few rows \`ins\` holds and, joining,
    -- would read the whole reports table (OFFSET 0 keeps the lookup a per-row one).
    SELECT ${COLUMNS}
    FROM ins d CROSS JOIN LATERAL (SELECT r.incident_id, r.category_code, r.claimed_region FROM reports r WHERE r.id = d.report_id OFFSET 0) rp
    ORDER BY d.opened_at, d.id`.execute(trx)
  return res.rows
}

export interface ActionInput {
  dispute_id: string
  action: 'opened' | 'proposed' | 'decided' | 'overdue' | 'cleared'
  decision?: DisputeDecision | null
  actor_user?: string | null
  actor_role: string
  reason?: string | null
  data?: Record<string, unknown>
  at?: Date
}

export async function insertActions(trx: Executor, actions: ActionInput[]): Promise<void> {
  if (actions.length === 0) return
  const rows = actions.map((a) => ({ ...a, decision: a.decision ?? null, actor_user: a.actor_user ?? null, reason: a.reason ?? null, data: a.data ?? {}, at: (a.at ?? new Date()).toISOString() }))
  await sql`
    INSERT INTO dispute_actions (dispute_id, action, decision, actor_user, actor_role, reason, data, at)
    SELECT x.dispute_id, x.action, x.decision, x.actor_user, x.actor_role, x.reason, coalesce(x.data, '{}'::jsonb), x.at
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(dispute_id uuid, action text, decision text, actor_user uuid, actor_role text, reason text, data jsonb, at timestamptz)`.execute(trx)
}

export async function findDispute(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<DisputeRow | undefined> {
  const lock = opts.forUpdate ? sql`FOR UPDATE OF d` : sql``
  const res = await sql<DisputeRow>`SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = ${id}::uuid ${lock}`.execute(db)
  return res.rows[0]
}

export async function findDisputes(db: Executor, ids: string[]): Promise<DisputeRow[]> {
  if (ids.length === 0) return []
  const res = await sql<DisputeRow>`
    SELECT ${COLUMNS} FROM ${FROM} WHERE d.id = ANY(string_to_array(${ids.join(',')}, ',')::uuid[]) ORDER BY d.opened_at, d.id`.execute(db)
  return res.rows
}

export interface DisputeFilter {
  scope: DisputeScope
  /** A region code: disputes whose claimed or detected region is it or lies under it. */
  region?: string | undefined
  states?: DisputeState[] | undefined
  /** true: only undecided disputes past their due time; false: only those not overdue. */
  overdue?: boolean | undefined
  overdueHours: number
  minAgeHours?: number | undefined
  maxAgeHours?: number | undefined
  order: 'oldest' | 'newest'
  limit: number
  now: Date
}

export async function listDisputes(db: Executor, f: DisputeFilter): Promise<DisputeRow[]> {
  const now = sql`${f.now.toISOString()}::timestamptz`
  const where = [scopeCondition(f.scope)]
  if (f.region) where.push(sql`(${within(sql`d.claimed_region_code`, [f.region])} OR ${within(sql`d.detected_region_code`, [f.region])})`)
  if (f.states?.length) where.push(sql`d.state = ANY(string_to_array(${f.states.join(',')}, ','))`)
  const overdue = sql`(d.state IN ('open', 'proposed') AND d.opened_at <= ${now} - ${f.overdueHours}::float8 * interval '1 hour')`
  if (f.overdue === true) where.push(overdue)
  if (f.overdue === false) where.push(sql`NOT ${overdue}`)
  if (f.minAgeHours !== undefined) where.push(sql`d.opened_at <= ${now} - ${f.minAgeHours}::float8 * interval '1 hour'`)
  if (f.maxAgeHours !== undefined) where.push(sql`d.opened_at >= ${now} - ${f.maxAgeHours}::float8 * interval '1 hour'`)
  const order = f.order === 'oldest' ? sql`d.opened_at, d.id` : sql`d.opened_at DESC, d.id`
  const res = await sql<DisputeRow>`
    SELECT ${COLUMNS} FROM ${FROM} WHERE ${sql.join(where, sql` AND `)} ORDER BY ${order} LIMIT ${f.limit}`.execute(db)
  return res.rows
}

export interface DisputeGeometry {
  claimed: string | null
  detected: string | null
  /** Shortest line from the claimed region to the point (null when the point is inside it). */
  line: string | null
}

/** Both outlines and the line from the claimed region to the point, as GeoJSON text. */
export async function disputeGeometry(db: Executor, id: string): Promise<DisputeGeometry> {
  const res = await sql<DisputeGeometry>`
    SELECT ST_AsGeoJSON(c.g, 6) AS claimed, ST_AsGeoJSON(sigap_region_geom(d.detected_region_code), 6) AS detected,
           CASE WHEN ST_Intersects(c.g, d.location) THEN NULL ELSE ST_AsGeoJSON(ST_ShortestLine(c.g, d.location), 7) END AS line
    FROM location_disputes d, LATERAL (SELECT sigap_region_geom(d.claimed_region_code) AS g) c
    WHERE d.id = ${id}::uuid`.execute(db)
  return res.rows[0] ?? { claimed: null, detected: null, line: null }
}

export interface PhotoEvidenceRow {
  id: string
  exif_lat: number | null
  exif_lon: number | null
  taken_at: Date | null
  exif_region_code: string | null
  exif_region_name: string | null
}

/** The report's photos, with the region their EXIF position falls in: evidence of where it was taken. */
export async function photoEvidence(db: Executor, reportId: string): Promise<PhotoEvidenceRow[]> {
  const res = await sql<PhotoEvidenceRow>`
    SELECT ph.id, ph.exif_lat, ph.exif_lon, ph.taken_at, g.code AS exif_region_code, g.name AS exif_region_name
    FROM photos ph
    LEFT JOIN LATERAL (
      SELECT r.code, r.name FROM region_parts p JOIN regions r ON r.code = p.region_code
      WHERE ph.exif_lat IS NOT NULL AND ST_Intersects(p.geom, ST_SetSRID(ST_MakePoint(ph.exif_lon, ph.exif_lat), 4326))
      ORDER BY CASE r.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 ELSE 2 END, r.code LIMIT 1
    ) g ON true
    WHERE ph.report_id = ${reportId}::uuid
    ORDER BY ph.created_at, ph.id`.execute(db)
  return res.rows
}

export async function disputeHistory(db: Executor, id: string) {
  return db.selectFrom('dispute_actions').selectAll().where('dispute_id', '=', id).orderBy('id').execute()
}

/** Undecided disputes past due that have not been flagged yet; flags them. Returns their ids. */
export async function flagOverdue(trx: Transaction<Database>, overdueHours: number, now: Date, limit = 500): Promise<string[]> {
  const res = await sql<{ id: string }>`
    UPDATE location_disputes SET overdue_at = ${now.toISOString()}::timestamptz
    WHERE id IN (
      SELECT id FROM location_disputes
      WHERE state IN ('open', 'proposed') AND overdue_at IS NULL
        AND opened_at <= ${now.toISOString()}::timestamptz - ${overdueHours}::float8 * interval '1 hour'
      ORDER BY opened_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`.execute(trx)
  return res.rows.map((r) => r.id)
}
