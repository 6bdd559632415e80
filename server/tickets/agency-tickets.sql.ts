import { sql, type RawBuilder } from 'kysely'

/** The incident's own columns, whoever's ticket it is. */
const SHARED = ['id', 'category_code', 'location', 'region_code', 'report_count', 'channels', 'first_reported_at', 'last_reported_at', 'merged_into',
  'priority', 'is_emergency', 'routed_at']
/** Columns an added agency's ticket stands in for the incident's (agency_tickets has each of them). */
const OWN = ['status', 'agency_code', 'field_team', 'response_due_at', 'resolve_due_at', 'first_response_at', 'resolved_at', 'ended_at',
  'response_breached_at', 'resolve_breached_at', 'status_changed_at', 'resolution_note', 'resolution_photo_ids', 'reject_reason', 'created_at', 'updated_at']
/** The lead's alone: an added ticket never pauses, runs no LAPOR! clocks, and its own moves are its staff's actions (redSql). */
const LEAD_ONLY: [string, RawBuilder<unknown>][] = [
  ['reject_code', sql`NULL::text`],
  ['paused_at', sql`NULL::timestamptz`],
  ['paused_seconds', sql`0`],
  ['paused_working_seconds', sql`0`],
  ['lapor_verify_due_at', sql`NULL::timestamptz`],
  ['lapor_plan_due_at', sql`NULL::timestamptz`],
  ['lapor_planned_at', sql`NULL::timestamptz`],
  ['acted_at', sql`NULL::timestamptz`],
]

/**
 * The one definition of an agency's tickets (migration 0021, agency_tickets): the incidents it
 * leads, and its added tickets on other agencies' incidents with that ticket's state, team and
 * clocks in place of the lead's. Rows are shaped like incidents `i`, plus `agency_ticket_id`,
 * `lead_agency_code` and `lead_status` (null on a lead's row), so every filter, order and clock
 * rule (lateSql, redSql) judges each agency's own ticket. With `agencyCode`, that agency's
 * tickets; without, every agency's (an incident once per agency holding a ticket on it, and
 * unrouted incidents once). The ticket lists (ticketSource) and the response figures (stats) read it.
 */
export function agencyTicketRows(agencyCode?: string): RawBuilder<unknown> {
  const c = (a: string, col: string) => sql`${sql.ref(`${a}.${col}`)}`
  const lead = [
    ...SHARED.map((col) => c('i0', col)),
    ...OWN.map((col) => c('i0', col)),
    ...LEAD_ONLY.map(([col]) => c('i0', col)),
    sql`NULL::uuid AS agency_ticket_id, NULL::text AS lead_agency_code, NULL::text AS lead_status`,
  ]
  const added = [
    ...SHARED.map((col) => c('i0', col)),
    ...OWN.map((col) => c('x', col)),
    ...LEAD_ONLY.map(([col, value]) => sql`${value} AS ${sql.ref(col)}`),
    sql`x.id AS agency_ticket_id, i0.agency_code AS lead_agency_code, i0.status AS lead_status`,
  ]
  const leads = agencyCode === undefined ? sql`` : sql`WHERE i0.agency_code = ${agencyCode}`
  const mine = agencyCode === undefined ? sql`` : sql`AND x.agency_code = ${agencyCode}`
  // An agency never holds an added ticket on an incident it leads; were one left behind, the lead's row counts alone.
  return sql`(SELECT ${sql.join(lead)} FROM incidents i0 ${leads}
    UNION ALL
    SELECT ${sql.join(added)} FROM agency_tickets x JOIN incidents i0 ON i0.id = x.incident_id
    WHERE i0.agency_code IS DISTINCT FROM x.agency_code ${mine}) i`
}
