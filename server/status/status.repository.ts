import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'

/** A ticket number is the first 8 hex digits of its report's id (upper case on paper). */
export const TICKET_NUMBER = /^[0-9a-f]{8}$/i

/** The uuid range of the reports whose id starts with a ticket number (uses the primary key). */
export function numberRange(number: string): [string, string] {
  const n = number.toLowerCase()
  return [`${n}-0000-0000-0000-000000000000`, `${n}-ffff-ffff-ffff-ffffffffffff`]
}

export interface StatusRow {
  report_id: string
  channel: string
  category_name: string
  region_name: string | null
  district_name: string | null
  received_at: Date
  /** The ticket the report is in now (the one it was merged into, if so). */
  incident_id: string | null
  status: string | null
  agency_name: string | null
  response_due_at: Date | null
  resolve_due_at: Date | null
  first_response_at: Date | null
  resolved_at: Date | null
  updated_at: Date | null
  ticket_created_at: Date | null
  ended_at: Date | null
  resolve_breached_at: Date | null
  paused_at: Date | null
  status_changed_at: Date | null
  acted_at: Date | null
  lapor_verify_due_at: Date | null
  lapor_plan_due_at: Date | null
  lapor_planned_at: Date | null
}

/**
 * The reports with this ticket number (normally one; 8 hex digits can repeat among many
 * thousands of reports), with their ticket's public state. Nothing about the reporter.
 */
export async function findByNumber(db: Kysely<Database>, number: string): Promise<StatusRow[]> {
  const [lo, hi] = numberRange(number)
  const res = await sql<StatusRow>`
    SELECT r.id AS report_id, r.channel, c.name_id AS category_name, g.name AS region_name, k.name AS district_name,
           r.received_at, t.id AS incident_id, t.status, a.name_id AS agency_name,
           t.response_due_at, t.resolve_due_at, t.first_response_at, t.resolved_at, t.updated_at,
           t.created_at AS ticket_created_at, t.ended_at, t.resolve_breached_at, t.paused_at,
           t.status_changed_at, t.acted_at, t.lapor_verify_due_at, t.lapor_plan_due_at, t.lapor_planned_at
    FROM reports r
    JOIN categories c ON c.code = r.category_code
    LEFT JOIN regions g ON g.code = r.region_code
    LEFT JOIN regions k ON k.code = g.parent_code
    LEFT JOIN incidents i ON i.id = r.incident_id
    LEFT JOIN incidents t ON t.id = coalesce(i.merged_into, i.id)
    LEFT JOIN agencies a ON a.code = t.agency_code
    WHERE r.id BETWEEN ${lo}::uuid AND ${hi}::uuid
    ORDER BY r.received_at, r.id`.execute(db)
  return res.rows
}

/** The ticket's moves, oldest first: state and time only (notes may name people). */
export async function statusHistory(db: Kysely<Database>, incidentId: string) {
  return db
    .selectFrom('ticket_events')
    .select(['to_status', 'at'])
    .where('incident_id', '=', incidentId)
    .where('kind', 'in', ['opened', 'transition'])
    .where('to_status', 'is not', null)
    .orderBy('at')
    .orderBy('id')
    .execute()
}

export async function ratingTokenOf(db: Kysely<Database>, reportId: string): Promise<string | null> {
  const r = await db.selectFrom('rating_links').select('token').where('report_id', '=', reportId).executeTakeFirst()
  return r?.token ?? null
}

/**
 * The secret that signs status links, read once per database: it is written by its migration and
 * never changes, and every intake answer (status_path) would otherwise pay a round trip for it.
 */
const secrets = new WeakMap<Kysely<Database>, Promise<string>>()

export function statusLinkSecret(db: Kysely<Database>): Promise<string> {
  let s = secrets.get(db)
  if (!s) {
    s = db.selectFrom('sigap_secrets').select('value').where('name', '=', 'status_link').executeTakeFirstOrThrow().then((r) => r.value)
    s.catch(() => secrets.delete(db)) // a failed read is tried again next time
    secrets.set(db, s)
  }
  return s
}
