import { z } from 'zod'
import type { Principal } from '../auth/principal.js'
import type { LocationStatus } from '../db/database.js'
import type { DisputeRow } from '../disputes/dispute.repository.js'
import type { IncidentRow } from '../incidents/incident.repository.js'
import { incidentView } from '../incidents/incident.view.js'
import type { LocationCheckRow } from '../locations/location.repository.js'
import { locationCheckView } from '../locations/location.view.js'
import type { TicketRow } from '../tickets/ticket.repository.js'
import type { ReportRow } from './report.repository.js'
import type { ReportInput } from './report.schema.js'
import { reportEventData, reportView } from './report.view.js'

// What intake decided for one stored report, read once from its row of sigap_intake_reports
// (intake.repository.ts); the events and the HTTP answer are derived from it here, nowhere else.

/** The incident a new report joined or opened. */
export interface IntakeIncident extends IncidentRow {
  is_new: boolean
  routed_at: Date | null
  is_emergency: boolean
}

export interface IntakeOutcome {
  report: ReportRow
  check: LocationCheckRow
  /** The incident the report joined or opened; null only when it was stored without matching (benchmarks' `none`). */
  incident: IntakeIncident | null
  /** The ticket this intake opened with a new incident, inserted routed; null when it joined one. */
  ticket: TicketRow | null
  /** The dispute its mismatched claim opened (by the intake statement itself); null: none. */
  disputeId: string | null
  /** When that dispute was opened (its history and dispute.opened event are written from it: intake.service.ts). */
  disputeOpenedAt: Date | null
}

const RegionRef = z.object({ code: z.string(), name: z.string() })
const LOCATION_STATUSES = ['match', 'mismatch', 'near_boundary', 'outside', 'unknown_claim', 'unclaimed'] as const satisfies readonly LocationStatus[]

/** A report's location check as intake answers it (and GET /api/reports/:id without dispute_id). */
export const LocationCheckAnswer = z.object({
  status: z.enum(LOCATION_STATUSES),
  distance_m: z.number().nullable().meta({ description: 'Metres from the point to the claimed region (0 inside it)' }),
  detected_region: RegionRef.nullable(),
  claimed_region: RegionRef.nullable(),
})

/**
 * What intake tells beyond the report itself, in the HTTP answer and in `report.created` alike.
 * Holds no reporter identity: it goes on the socket. The incident fields are absent only for a
 * report stored without matching (a benchmark mode).
 */
export const IntakeFacts = z.object({
  location_check: LocationCheckAnswer.extend({ dispute_id: z.uuid().nullable().meta({ description: 'The dispute a mismatched claim opened' }) }),
  incident_id: z.uuid().optional().meta({ description: 'The incident the report joined or opened' }),
  incident_new: z.boolean().optional().meta({ description: 'true when this report opened the incident' }),
  agency_code: z.string().nullable().optional().meta({ description: 'The agency its ticket is routed to' }),
  emergency: z.boolean().optional(),
})
export type IntakeFacts = z.infer<typeof IntakeFacts>

/** The row sigap_intake_reports answers per stored item (the composite type sigap_intake_row). */
export interface IntakeRow {
  ord: number
  outcome: 'stored' | 'duplicate'
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
  dispute_id: string | null
  dispute_opened_at: Date | null
}

// Objects are written out, not `{ ...row, x }`: on Node 20 each property after a spread in an
// object literal measured about a microsecond, a written-out object a fraction of that.

/** The outcome of a stored item: the report as sent and as the database completed it. */
export function outcomeOf(input: ReportInput, r: IntakeRow): IntakeOutcome {
  const report: ReportRow = {
    id: r.id,
    channel: input.channel,
    external_id: input.external_id ?? null,
    category_code: input.category,
    description: input.description,
    lat: input.location.lat,
    lon: input.location.lon,
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
  if (r.i_id === null) return { report, check, incident: null, ticket: null, disputeId: r.dispute_id, disputeOpenedAt: r.dispute_opened_at }
  const incident: IntakeIncident = {
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
    routed_at: r.i_routed_at,
    is_emergency: r.i_is_emergency ?? false,
    is_new: r.incident_new ?? false,
  }
  return { report, check, incident, ticket: r.incident_new ? newTicketOf(incident, r) : null, disputeId: r.dispute_id, disputeOpenedAt: r.dispute_opened_at }
}

/** The ticket an intake just opened: its routing from the intake row, its lifecycle not begun. */
function newTicketOf(i: IntakeIncident, r: IntakeRow): TicketRow {
  return {
    id: i.id,
    category_code: i.category_code,
    status: i.status,
    lat: i.lat,
    lon: i.lon,
    region_code: i.region_code,
    region_name: i.region_name,
    report_count: i.report_count,
    channels: i.channels,
    first_reported_at: i.first_reported_at,
    last_reported_at: i.last_reported_at,
    merged_into: i.merged_into,
    created_at: i.created_at,
    updated_at: i.updated_at,
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
    added_agencies: [],
  }
}

/**
 * The dispute the intake statement opened for a mismatched claim, as findDispute reads it: open,
 * undecided, at the report's point, in the incident the report is in now (an attached report's).
 */
export function disputeRowOf(o: IntakeOutcome): DisputeRow {
  const { report, check } = o
  return {
    id: o.disputeId!,
    report_id: report.id,
    incident_id: report.incident_id,
    category_code: report.category_code,
    claim_text: report.claimed_region,
    state: 'open',
    claimed_region_code: check.claimed_code!,
    claimed_name: check.claimed_name,
    detected_region_code: check.detected_code!,
    detected_name: check.detected_name,
    lon: report.lon,
    lat: report.lat,
    distance_m: check.distance_m,
    accuracy_m: report.accuracy_m,
    proposal: null,
    decision: null,
    decision_reason: null,
    corrected_lon: null,
    corrected_lat: null,
    decided_by_user: null,
    decided_by_role: null,
    decided_at: null,
    overdue_at: null,
    opened_at: o.disputeOpenedAt!,
    updated_at: o.disputeOpenedAt!,
  }
}

/** What the outcome adds to the report in the answer and in `report.created`. */
export function intakeFacts(o: IntakeOutcome): IntakeFacts {
  const location_check = Object.assign(locationCheckView(o.check), { dispute_id: o.disputeId })
  const i = o.incident
  if (!i) return { location_check }
  return { location_check, incident_id: i.id, incident_new: i.is_new, agency_code: i.agency_code ?? null, emergency: i.is_emergency }
}

/** `report.created`: the report without its reporter, and the facts. */
export function reportCreatedData(o: IntakeOutcome) {
  return Object.assign(reportEventData(o.report), intakeFacts(o))
}

/** `incident.created` or `incident.updated` for the incident the report opened or joined. */
export function incidentEventOf(reportId: string, incident: IntakeIncident) {
  return {
    type: incident.is_new ? ('incident.created' as const) : ('incident.updated' as const),
    data: { incident: incidentView(incident), report_id: reportId, cause: 'intake' as const },
  }
}

/**
 * The answer to the sender (POST /api/reports, /api/reports/with-photos): the report as the
 * viewer may see it, the facts of a new one, whether it was a retry, and a new report's photo
 * token. Described by IntakeAnswer in openapi/openapi.views.ts.
 */
export function intakeAnswer(viewer: Principal, r: { report: ReportRow; outcome: IntakeOutcome | null; photoToken: string | null }) {
  // Not a spread: see outcomeOf.
  const answer = Object.assign(reportView(r.report, viewer), r.outcome ? intakeFacts(r.outcome) : {}, { duplicate: r.outcome === null })
  return r.photoToken === null ? answer : Object.assign(answer, { photo_token: r.photoToken })
}
