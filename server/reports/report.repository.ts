import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database, LocationStatus } from '../db/database.js'
import type { ReportInput } from './report.schema.js'
import type { IncidentRow } from '../incidents/incident.repository.js'
import type { LocationCheckRow } from '../locations/location.repository.js'
import type { TicketScope } from '../auth/principal.js'
import { reportScopeCondition, type TicketRow } from '../tickets/ticket.repository.js'

type Executor = Kysely<Database> | Transaction<Database>

export interface ReportRow {
  id: string
  channel: string
  external_id: string | null
  category_code: string
  description: string
  lat: number
  lon: number
  accuracy_m: number | null
  claimed_region: string | null
  region_code: string | null
  region_name: string | null
  reporter_name: string | null
  reporter_phone: string | null
  reporter_private: boolean
  reported_at: Date
  received_at: Date
  /** The incident this report belongs to (set by the incident step inside the intake transaction). */
  incident_id: string | null
  /** The location check (server/locations); absent on the row intake inserts, null if never checked. */
  location_status?: LocationStatus | null
  claim_distance_m?: number | null
  claimed_region_code?: string | null
  claimed_region_name?: string | null
  detected_region_code?: string | null
  detected_region_name?: string | null
}

/** The incident a new report joined or opened, as the intake function returns it. */
export interface IntakeIncident extends IncidentRow {
  is_new: boolean
  routed_at: Date | null
  is_emergency: boolean
  /** For an incident this intake opened: its ticket, inserted routed. */
  ticket: TicketRow | null
}

/** What matching needs besides the report (incident.intake.ts matchPlanFor); null: no matching. */
export interface MatchPlan {
  categories: string[]
  radiusM: number
  windowH: number
  /** Degrees that surely contain the radius (a box the index can use). */
  dx: number
  dy: number
  lockKeys: string[]
}

export interface StoredReport {
  report: ReportRow
  check: LocationCheckRow
  incident: IntakeIncident | null
}

type IntakeRow = {
  id: string
  reported_at: Date
  received_at: Date
  location_status: LocationStatus
  claimed_code: string | null
  claimed_name: string | null
  detected_code: string | null
  detected_name: string | null
  claim_distance_m: number | null
  region_code: string | null
  region_name: string | null
  incident_new: boolean | null
  i_id: string | null
  i_category_code: string | null
  i_status: string | null
  i_lat: number | null
  i_lon: number | null
  i_region_code: string | null
  i_region_name: string | null
  i_report_count: number | null
  i_channels: string[] | null
  i_first_reported_at: Date | null
  i_last_reported_at: Date | null
  i_merged_into: string | null
  i_split_from: string | null
  i_created_at: Date | null
  i_updated_at: Date | null
  i_agency_code: string | null
  i_agency_name: string | null
  i_routed_at: Date | null
  i_is_emergency: boolean | null
  i_priority: number | null
  i_response_due_at: Date | null
  i_resolve_due_at: Date | null
  i_status_changed_at: Date | null
}

/** One report to store: what was sent, its idempotency key, and how to match it (null: not here). */
export interface NewReport {
  input: ReportInput
  idempotencyKey: string | null
  plan: MatchPlan | null
}

/**
 * Stores new reports in one round trip (sigap_intake_reports, migrations/0006_intake.sql): for
 * each, its location check, the incident it joins or opens when it has a plan, and its row.
 * Answers in the order given; null where the report's external id or idempotency key was taken
 * already (nothing of it is stored: the caller answers with the earlier report).
 */
export async function insertCheckedReports(trx: Transaction<Database>, reports: NewReport[], toleranceM: number): Promise<(StoredReport | null)[]> {
  const items = reports.map(({ input, idempotencyKey, plan }) => ({
    channel: input.channel,
    external_id: input.external_id ?? null,
    idempotency_key: idempotencyKey,
    category: input.category,
    description: input.description,
    lon: input.location.lon,
    lat: input.location.lat,
    accuracy_m: input.location.accuracy_m ?? null,
    claim: input.claimed_region ?? null,
    reporter_name: input.reporter?.name ?? null,
    reporter_phone: input.reporter?.phone ?? null,
    reporter_private: input.reporter?.private ?? false,
    reported_at: input.reported_at ?? null,
    ...(plan && {
      match: {
        categories: plan.categories.join(','), // codes are [a-z0-9_] (CategoryCode in agency.schema.ts)
        radius_m: plan.radiusM,
        window_h: plan.windowH,
        dx: plan.dx,
        dy: plan.dy,
        lock_keys: plan.lockKeys,
      },
    }),
  }))
  const res = await sql<IntakeRow & { ord: number; outcome: 'stored' | 'duplicate' }>`
    SELECT * FROM sigap_intake_reports(${JSON.stringify(items)}::jsonb, ${toleranceM}::float8)`.execute(trx)
  const out: (StoredReport | null)[] = reports.map(() => null)
  for (const r of res.rows) if (r.outcome === 'stored') out[r.ord - 1] = storedOf(reports[r.ord - 1]!.input, r)
  return out
}

function storedOf(input: ReportInput, r: IntakeRow): StoredReport {
  const { lon, lat } = input.location
  const report: ReportRow = {
    id: r.id,
    channel: input.channel,
    external_id: input.external_id ?? null,
    category_code: input.category,
    description: input.description,
    lat,
    lon,
    accuracy_m: input.location.accuracy_m ?? null,
    claimed_region: input.claimed_region ?? null,
    region_code: r.region_code,
    region_name: r.region_name,
    reporter_name: input.reporter?.name ?? null,
    reporter_phone: input.reporter?.phone ?? null,
    reporter_private: input.reporter?.private ?? false,
    reported_at: r.reported_at,
    received_at: r.received_at,
    incident_id: r.i_id,
  }
  const check: LocationCheckRow = {
    status: r.location_status,
    claimed_code: r.claimed_code,
    claimed_name: r.claimed_name,
    detected_code: r.detected_code,
    detected_name: r.detected_name,
    distance_m: r.claim_distance_m,
    region_code: r.region_code,
    region_name: r.region_name,
  }
  if (r.i_id === null) return { report, check, incident: null }
  const row: IncidentRow = {
    id: r.i_id,
    category_code: r.i_category_code!,
    status: r.i_status!,
    lat: r.i_lat!,
    lon: r.i_lon!,
    region_code: r.i_region_code,
    region_name: r.i_region_name,
    report_count: r.i_report_count!,
    channels: r.i_channels!,
    first_reported_at: r.i_first_reported_at!,
    last_reported_at: r.i_last_reported_at!,
    merged_into: r.i_merged_into,
    split_from: r.i_split_from,
    created_at: r.i_created_at!,
    updated_at: r.i_updated_at!,
    agency_code: r.i_agency_code,
  }
  const incident: IntakeIncident = {
    ...row,
    routed_at: r.i_routed_at,
    is_emergency: r.i_is_emergency ?? false,
    is_new: r.incident_new ?? false,
    ticket: r.incident_new ? newTicketOf(row, r) : null,
  }
  return { report, check, incident }
}

/** The ticket an intake just opened: its routing from the intake row, its lifecycle not begun. */
function newTicketOf({ split_from: _, ...row }: IncidentRow, r: IntakeRow): TicketRow {
  return {
    ...row,
    agency_code: r.i_agency_code,
    agency_name: r.i_agency_name,
    field_team: null,
    priority: r.i_priority!,
    is_emergency: r.i_is_emergency!,
    routed_at: r.i_routed_at,
    response_due_at: r.i_response_due_at,
    resolve_due_at: r.i_resolve_due_at,
    first_response_at: null,
    resolved_at: null,
    ended_at: null,
    response_breached_at: null,
    resolve_breached_at: null,
    status_changed_at: r.i_status_changed_at,
    resolution_note: null,
    resolution_photo_ids: [],
    reject_reason: null,
  }
}


export function selectReports(db: Executor) {
  return db
    .selectFrom('reports as r')
    .leftJoin('regions as g', 'g.code', 'r.region_code')
    .leftJoin('regions as gc', 'gc.code', 'r.claimed_region_code')
    .leftJoin('regions as gd', 'gd.code', 'r.detected_region_code')
    .select([
      'r.id',
      'r.channel',
      'r.external_id',
      'r.category_code',
      'r.description',
      sql<number>`ST_Y(r.location)`.as('lat'),
      sql<number>`ST_X(r.location)`.as('lon'),
      'r.accuracy_m',
      'r.claimed_region',
      'r.region_code',
      'g.name as region_name',
      'r.reporter_name',
      'r.reporter_phone',
      'r.reporter_private',
      'r.reported_at',
      'r.received_at',
      'r.incident_id',
      'r.location_status',
      'r.claim_distance_m',
      'r.claimed_region_code',
      // A kecamatan known only from its kelurahan has no row of its own: its name comes from them.
      sql<string | null>`coalesce(gc.name, CASE WHEN r.claimed_region_code IS NOT NULL THEN sigap_region_name(r.claimed_region_code) END)`.as('claimed_region_name'),
      'r.detected_region_code',
      'gd.name as detected_region_name',
    ])
}

export async function findReportById(db: Executor, id: string): Promise<ReportRow | undefined> {
  return selectReports(db).where('r.id', '=', id).executeTakeFirst()
}

/** The report an earlier submission stored under the same channel id or idempotency key. */
export async function findReportByDedupKey(
  db: Executor,
  channel: string,
  externalId: string | undefined,
  idempotencyKey: string | null,
): Promise<ReportRow | undefined> {
  return selectReports(db)
    .where((eb) => {
      const ors = []
      if (externalId !== undefined) ors.push(eb.and([eb('r.channel', '=', channel), eb('r.external_id', '=', externalId)]))
      if (idempotencyKey !== null) ors.push(eb('r.idempotency_key', '=', idempotencyKey))
      return eb.or(ors)
    })
    .orderBy('r.received_at')
    .executeTakeFirst()
}

/** Reports since a time, newest first, inside the viewer's scope (principal.ts ticketScope). */
export async function listRecentReports(db: Executor, since: Date, limit: number, scope: TicketScope = { all: true }): Promise<ReportRow[]> {
  return selectReports(db).where('r.reported_at', '>=', since).where(reportScopeCondition(scope)).orderBy('r.reported_at', 'desc').limit(limit).execute()
}
