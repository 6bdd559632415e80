import { sql } from 'kysely'
import type { Executor } from '../db/database.js'

/** An added agency's ticket on an incident (agency_tickets), with its agency's name. */
export interface AgencyTicketRow {
  id: string
  incident_id: string
  agency_code: string
  agency_name: string | null
  status: string
  field_team: string | null
  response_due_at: Date | null
  resolve_due_at: Date | null
  first_response_at: Date | null
  resolved_at: Date | null
  ended_at: Date | null
  response_breached_at: Date | null
  resolve_breached_at: Date | null
  status_changed_at: Date
  resolution_note: string | null
  resolution_photo_ids: string[]
  reject_reason: string | null
  idempotency_key: string | null
  created_at: Date
  /** The incident's: a ticket on a merged-away incident is never red. */
  merged_into: string | null
}

const COLUMNS = sql`x.id, x.incident_id, x.agency_code, a.short_name AS agency_name, x.status, x.field_team, x.response_due_at,
  x.resolve_due_at, x.first_response_at, x.resolved_at, x.ended_at, x.response_breached_at, x.resolve_breached_at,
  x.status_changed_at, x.resolution_note, x.resolution_photo_ids, x.reject_reason, x.idempotency_key, x.created_at,
  (SELECT i.merged_into FROM incidents i WHERE i.id = x.incident_id) AS merged_into`

export async function findAgencyTicket(db: Executor, incidentId: string, agencyCode: string, opts: { forUpdate?: boolean } = {}): Promise<AgencyTicketRow | undefined> {
  const lock = opts.forUpdate ? sql`FOR UPDATE OF x` : sql``
  const res = await sql<AgencyTicketRow>`SELECT ${COLUMNS} FROM agency_tickets x LEFT JOIN agencies a ON a.code = x.agency_code
    WHERE x.incident_id = ${incidentId}::uuid AND x.agency_code = ${agencyCode} ${lock}`.execute(db)
  return res.rows[0]
}

export async function findAgencyTicketById(db: Executor, id: string): Promise<AgencyTicketRow | undefined> {
  const res = await sql<AgencyTicketRow>`SELECT ${COLUMNS} FROM agency_tickets x LEFT JOIN agencies a ON a.code = x.agency_code WHERE x.id = ${id}::uuid`.execute(db)
  return res.rows[0]
}

/** The added tickets of an incident, oldest first. */
export async function agencyTicketsOf(db: Executor, incidentId: string): Promise<AgencyTicketRow[]> {
  const res = await sql<AgencyTicketRow>`SELECT ${COLUMNS} FROM agency_tickets x LEFT JOIN agencies a ON a.code = x.agency_code
    WHERE x.incident_id = ${incidentId}::uuid ORDER BY x.created_at, x.agency_code`.execute(db)
  return res.rows
}

/** The ticket an earlier add request under this client key made on this incident, if any. */
export async function agencyTicketByKey(db: Executor, incidentId: string, key: string): Promise<AgencyTicketRow | undefined> {
  const res = await sql<AgencyTicketRow>`SELECT ${COLUMNS} FROM agency_tickets x LEFT JOIN agencies a ON a.code = x.agency_code
    WHERE x.incident_id = ${incidentId}::uuid AND x.idempotency_key = ${key}`.execute(db)
  return res.rows[0]
}

/** What routing would give a ticket of this category in this region opened at `at`: its SLA due times. */
export async function dueTimes(db: Executor, category: string, region: string | null, at: Date) {
  const res = await sql<{ response_due_at: Date | null; resolve_due_at: Date | null }>`
    SELECT response_due_at, resolve_due_at FROM sigap_ticket_routing(${category}, ${region}, ${at.toISOString()}::timestamptz)`.execute(db)
  return res.rows[0] ?? { response_due_at: null, resolve_due_at: null }
}

/**
 * A merge takes the merged-away incident's added tickets along, except an agency's that already
 * leads or has a ticket on the target (its work is the target's then). Answers the agencies moved.
 */
export async function moveAgencyTickets(db: Executor, fromId: string, toId: string): Promise<string[]> {
  const res = await sql<{ agency_code: string }>`
    UPDATE agency_tickets x SET incident_id = ${toId}::uuid, updated_at = now()
    WHERE x.incident_id = ${fromId}::uuid
      AND NOT EXISTS (SELECT 1 FROM agency_tickets y WHERE y.incident_id = ${toId}::uuid AND y.agency_code = x.agency_code)
      AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = ${toId}::uuid AND i.agency_code = x.agency_code)
    RETURNING x.agency_code`.execute(db)
  return res.rows.map((r) => r.agency_code)
}
