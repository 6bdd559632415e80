import { sql, type Transaction } from 'kysely'
import type { Database, LocationStatus } from '../db/database.js'
import type { IncidentRow } from '../incidents/incident.repository.js'
import type { LocationCheckRow } from '../locations/location.repository.js'
import type { TicketRow } from '../tickets/ticket.repository.js'
import type { ReportRow } from './report.repository.js'
import type { ReportInput } from './report.schema.js'

// Storing new reports: one call of sigap_intake_reports per batch, and its answer read back
// into the report, its location check, and the incident (and ticket) it joined or opened.

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
  // Not `{ ...row, routed_at, ... }`: on Node 20 each property after a spread in an object
  // literal (or added to a spread copy later) measured about a microsecond, where
  // Object.assign or a written-out object costs a fraction; the ticket's 18 took 35 µs of
  // each intake in a CPU profile.
  const incident: IntakeIncident = Object.assign(row, {
    routed_at: r.i_routed_at,
    is_emergency: r.i_is_emergency ?? false,
    is_new: r.incident_new ?? false,
    ticket: r.incident_new ? newTicketOf(row, r) : null,
  })
  return { report, check, incident }
}

/** The ticket an intake just opened: its routing from the intake row, its lifecycle not begun. */
function newTicketOf(row: IncidentRow, r: IntakeRow): TicketRow {
  // Written out rather than `{ ...row, ... }`: see storedOf.
  return {
    id: row.id,
    category_code: row.category_code,
    status: row.status,
    lat: row.lat,
    lon: row.lon,
    region_code: row.region_code,
    region_name: row.region_name,
    report_count: row.report_count,
    channels: row.channels,
    first_reported_at: row.first_reported_at,
    last_reported_at: row.last_reported_at,
    merged_into: row.merged_into,
    created_at: row.created_at,
    updated_at: row.updated_at,
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
    reject_code: null,
    paused_at: null,
    paused_seconds: 0,
    paused_working_seconds: 0,
    lapor_verify_due_at: null,
    lapor_plan_due_at: null,
    lapor_planned_at: null,
    acted_at: null,
  }
}
