import { stringify } from 'csv-stringify/sync'
import type { Kysely } from 'kysely'
import { canSeeReporter, type Principal } from '../auth/principal.js'
import type { Database } from '../db/database.js'
import type { TicketRow } from './ticket.repository.js'

const WIB_MS = 7 * 3_600_000
/** Local WIB time with its offset: what people reading the spreadsheet expect. */
export function wib(d: Date | null): string {
  if (!d) return ''
  return `${new Date(d.getTime() + WIB_MS).toISOString().slice(0, 19)}+07:00`
}
const minutes = (a: Date | null, b: Date | null) => (a && b ? ((b.getTime() - a.getTime()) / 60_000).toFixed(1) : '')

/**
 * Tickets as CSV. The reporters column holds only the reporters this viewer may see (none for
 * display or leadership; private reporters only for admin and operator).
 */
export async function ticketsCsv(db: Kysely<Database>, rows: TicketRow[], viewer: Principal): Promise<string> {
  const reporters = new Map<string, string[]>()
  if (rows.length > 0) {
    const reps = await db
      .selectFrom('reports')
      .select(['incident_id', 'reporter_name', 'reporter_phone', 'reporter_private'])
      .where('incident_id', 'in', rows.map((r) => r.id))
      .orderBy('reported_at')
      .execute()
    for (const r of reps) {
      if (!r.incident_id || !canSeeReporter(viewer, r.reporter_private)) continue
      const who = [r.reporter_name, r.reporter_phone].filter(Boolean).join(' ')
      if (who) reporters.set(r.incident_id, [...(reporters.get(r.incident_id) ?? []), who])
    }
  }
  const header = [
    'id', 'created_at', 'category', 'status', 'agency', 'field_team', 'priority', 'emergency', 'region_code', 'region_name', 'lat', 'lon',
    'report_count', 'channels', 'response_due_at', 'first_response_at', 'response_minutes', 'resolve_due_at', 'resolved_at',
    'resolution_minutes', 'response_breached', 'resolve_breached', 'reporters',
  ]
  const body = rows.map((r) => [
    r.id, wib(r.created_at), r.category_code, r.status, r.agency_code ?? '', r.field_team ?? '', r.priority, r.is_emergency ? 1 : 0,
    r.region_code ?? '', r.region_name ?? '', r.lat.toFixed(6), r.lon.toFixed(6), r.report_count, r.channels.join(' '),
    wib(r.response_due_at), wib(r.first_response_at), minutes(r.created_at, r.first_response_at), wib(r.resolve_due_at), wib(r.resolved_at),
    minutes(r.created_at, r.resolved_at), r.response_breached_at ? 1 : 0, r.resolve_breached_at ? 1 : 0, (reporters.get(r.id) ?? []).join('; '),
  ])
  return stringify([header, ...body])
}
