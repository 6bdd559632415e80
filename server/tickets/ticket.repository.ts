import { sql, type Transaction } from 'kysely'
import type { TicketScope } from '../auth/principal.js'
import type { Database, Executor } from '../db/database.js'
import type { IncidentRow } from '../incidents/incident.repository.js'
import { agencyTicketRows } from './agency-tickets.sql.js'
import { lateSql } from './late.js'
import { scopeCondition } from './ticket.scope.js'

/** An incident as the ticket agencies act on: the incident's own columns and its lifecycle. */
export interface TicketRow extends Omit<IncidentRow, 'agency_code' | 'split_from'> {
  agency_code: string | null
  agency_name: string | null
  field_team: string | null
  priority: number
  is_emergency: boolean
  routed_at: Date | null
  response_due_at: Date | null
  resolve_due_at: Date | null
  first_response_at: Date | null
  resolved_at: Date | null
  ended_at: Date | null
  response_breached_at: Date | null
  resolve_breached_at: Date | null
  status_changed_at: Date | null
  resolution_note: string | null
  resolution_photo_ids: string[]
  reject_reason: string | null
  reject_code: string | null
  /** Since when the ticket waits for its reporter (its resolution clock stands still); null otherwise. */
  paused_at: Date | null
  /** The agencies with a ticket of their own on this incident besides the lead (agency_tickets). */
  added_agencies: string[]
  /**
   * Set when the row is an added agency's ticket as that agency sees it (ticketSource): its
   * state, team and clocks stand in the incident's columns; the lead's are here.
   */
  agency_ticket_id?: string | null
  lead_agency_code?: string | null
  lead_agency_name?: string | null
  lead_status?: string | null
  /** Time spent waiting for the reporter in pauses already over: on the clock and in working time (seconds). */
  paused_seconds: number
  paused_working_seconds: number
  /** SP4N-LAPOR!'s chained clocks (tickets opened by a LAPOR! report); null otherwise. */
  lapor_verify_due_at: Date | null
  lapor_plan_due_at: Date | null
  lapor_planned_at: Date | null
  /** The last staff action that was not a change of state (re-routing, a category change). */
  acted_at: Date | null
}

/** Columns of a TicketRow from incidents `i`, regions `g` and agencies `a`. */
const TICKET_COLUMNS = sql`i.id, i.category_code, i.status, ST_Y(i.location) AS lat, ST_X(i.location) AS lon, i.region_code,
  g.name AS region_name, i.report_count, i.channels, i.first_reported_at, i.last_reported_at, i.merged_into, i.created_at,
  i.updated_at, i.agency_code, a.short_name AS agency_name, i.field_team, i.priority, i.is_emergency, i.routed_at,
  i.response_due_at, i.resolve_due_at, i.first_response_at, i.resolved_at, i.ended_at, i.response_breached_at,
  i.resolve_breached_at, i.status_changed_at, i.resolution_note, i.resolution_photo_ids, i.reject_reason, i.reject_code, i.paused_at,
  i.paused_seconds, i.paused_working_seconds, i.lapor_verify_due_at, i.lapor_plan_due_at, i.lapor_planned_at, i.acted_at,
  ARRAY(SELECT x.agency_code FROM agency_tickets x WHERE x.incident_id = i.id ORDER BY x.created_at, x.agency_code) AS added_agencies`
const FROM = sql`incidents i LEFT JOIN regions g ON g.code = i.region_code LEFT JOIN agencies a ON a.code = i.agency_code`

/**
 * Where a viewer's tickets come from, as rows shaped like incidents `i`: for an agency, its own
 * tickets by the one definition (agencyTicketRows: the incidents it leads and its added tickets,
 * each with that ticket's state, team and clocks), so every filter, order and clock rule judges
 * the agency's own ticket and the screens act on it as on any other.
 */
function ticketSource(scope: TicketScope) {
  const lead = sql`NULL::uuid AS agency_ticket_id, NULL::text AS lead_agency_code, NULL::text AS lead_agency_name, NULL::text AS lead_status`
  if (!('agencyCode' in scope)) return { from: FROM, lead }
  return {
    from: sql`${agencyTicketRows(scope.agencyCode)} LEFT JOIN regions g ON g.code = i.region_code LEFT JOIN agencies a ON a.code = i.agency_code
      LEFT JOIN agencies la ON la.code = i.lead_agency_code`,
    lead: sql`i.agency_ticket_id, i.lead_agency_code, la.short_name AS lead_agency_name, i.lead_status`,
  }
}

/** One ticket as this viewer works it (ticketSource): an added agency gets its own ticket on the incident. */
export async function findTicketFor(db: Executor, id: string, scope: TicketScope): Promise<TicketRow | undefined> {
  const src = ticketSource(scope)
  const res = await sql<TicketRow>`SELECT ${TICKET_COLUMNS}, ${src.lead} FROM ${src.from} WHERE i.id = ${id}::uuid`.execute(db)
  return res.rows[0]
}

export async function findTicket(db: Executor, id: string, opts: { forUpdate?: boolean } = {}): Promise<TicketRow | undefined> {
  const lock = opts.forUpdate ? sql`FOR UPDATE OF i` : sql``
  const res = await sql<TicketRow>`SELECT ${TICKET_COLUMNS} FROM ${FROM} WHERE i.id = ${id}::uuid ${lock}`.execute(db)
  return res.rows[0]
}

/**
 * Routes tickets in one statement (sigap_route_tickets, migrations/0008_route_at_intake.sql):
 * sets each one's agency, priority and SLA due times, records its "opened" (at its creation)
 * and "routed" history rows, and returns them.
 */
export async function routeTicketRows(trx: Transaction<Database>, ids: string[], routedAt: Date): Promise<TicketRow[]> {
  if (ids.length === 0) return []
  const res = await sql<TicketRow>`
    SELECT ${TICKET_COLUMNS}
    FROM sigap_route_tickets(${`{${ids.join(',')}}`}::uuid[], ${routedAt.toISOString()}::timestamptz) i
    LEFT JOIN regions g ON g.code = i.region_code LEFT JOIN agencies a ON a.code = i.agency_code`.execute(trx)
  return res.rows
}

export interface TicketFilter {
  scope: TicketScope
  statuses?: readonly string[] | undefined
  agency?: string | undefined
  region?: string | undefined
  category?: string | undefined
  emergency?: boolean | undefined
  breached?: boolean | undefined
  from?: Date | undefined
  to?: Date | undefined
  limit: number
}

/** Tickets for the lists: emergencies first, then by priority, then the one due soonest. */
export async function listTickets(db: Executor, f: TicketFilter, now: Date): Promise<TicketRow[]> {
  const where = [sql`i.merged_into IS NULL`, scopeCondition(f.scope)]
  if (f.statuses?.length) where.push(sql`i.status = ANY(string_to_array(${f.statuses.join(',')}, ','))`)
  if (f.agency) where.push(sql`i.agency_code = ${f.agency}`)
  if (f.region) where.push(sql`(i.region_code = ${f.region} OR i.region_code LIKE ${`${f.region}.%`})`)
  if (f.category) where.push(sql`i.category_code = ${f.category}`)
  if (f.emergency !== undefined) where.push(sql`i.is_emergency = ${f.emergency}`)
  if (f.from) where.push(sql`i.created_at >= ${f.from.toISOString()}::timestamptz`)
  if (f.to) where.push(sql`i.created_at < ${f.to.toISOString()}::timestamptz`)
  if (f.breached !== undefined) {
    const breached = lateSql('any', now)
    where.push(f.breached ? breached : sql`NOT ${breached}`)
  }
  const src = ticketSource(f.scope)
  const res = await sql<TicketRow>`
    SELECT ${TICKET_COLUMNS}, ${src.lead} FROM ${src.from}
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY i.is_emergency DESC, i.priority, coalesce(i.resolve_due_at, i.created_at), i.id
    LIMIT ${f.limit}`.execute(db)
  return res.rows
}

export interface TicketEventInput {
  incident_id: string
  kind: 'opened' | 'routed' | 'transition' | 'sla_breached' | 'rated' | 'category_changed' | 'agency_added' | 'agency_transition' | 'agency_sla_breached'
  from_status?: string | null
  to_status?: string | null
  agency_code?: string | null
  /** A real user id (storedUserId): principals made up by tests or tools carry none. */
  actor_user_id?: string | null
  actor_role?: string | null
  note?: string | null
  data?: Record<string, unknown>
  at?: Date
}

export async function insertTicketEvent(db: Executor, e: TicketEventInput): Promise<void> {
  await db
    .insertInto('ticket_events')
    .values({
      incident_id: e.incident_id,
      kind: e.kind,
      from_status: e.from_status ?? null,
      to_status: e.to_status ?? null,
      agency_code: e.agency_code ?? null,
      actor_user_id: e.actor_user_id ?? null,
      actor_role: e.actor_role ?? null,
      note: e.note ?? null,
      data: JSON.stringify(e.data ?? {}),
      ...(e.at ? { at: e.at } : {}),
    })
    .execute()
}

export async function ticketHistory(db: Executor, incidentId: string) {
  return db
    .selectFrom('ticket_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .select(['e.id', 'e.kind', 'e.from_status', 'e.to_status', 'e.agency_code', 'e.actor_role', 'e.note', 'e.data', 'e.at', 'u.display_name as actor_name'])
    .where('e.incident_id', '=', incidentId)
    .orderBy('e.id')
    .execute()
}

/** Names and phones of the private reporters of a ticket: to redact them from staff-written notes. */
export async function privateIdentitiesOf(db: Executor, incidentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('reports')
    .select(['reporter_name', 'reporter_phone'])
    .where('incident_id', '=', incidentId)
    .where('reporter_private', '=', true)
    .execute()
  return rows.flatMap((r) => [r.reporter_name, r.reporter_phone]).filter((s): s is string => typeof s === 'string' && s.trim().length >= 3)
}
