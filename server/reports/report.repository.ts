import { sql } from 'kysely'
import type { Executor, LocationStatus } from '../db/database.js'
import { ticketScope, type Principal } from '../auth/principal.js'
import { reportScopeCondition } from '../tickets/ticket.scope.js'


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

/**
 * The reports a viewer may see (principal.ts ticketScope): the one scope rule for the report
 * list, the open-data exports and anything else that lists reports to a person.
 */
export function selectReportsFor(db: Executor, viewer: Principal) {
  return selectReports(db).where(reportScopeCondition(ticketScope(viewer)))
}

/**
 * Newest first, then by id, resumed after the report `after` (keyset paging: a report stored
 * meanwhile can repeat rows across pages, never make one skip). The comparison reads the
 * cursor report's own stored time, so no precision is lost on the way through JSON.
 */
export function newestFirstAfter<Q extends ReturnType<typeof selectReports>>(query: Q, after: string | undefined): Q {
  const paged = after
    ? (query
        // The first condition alone lets the reported_at index start the scan at the cursor; the row comparison breaks ties.
        .where(sql<boolean>`r.reported_at <= (SELECT c.reported_at FROM reports c WHERE c.id = ${after}::uuid)`)
        .where(sql<boolean>`(r.reported_at, r.id) < (SELECT c.reported_at, c.id FROM reports c WHERE c.id = ${after}::uuid)`) as Q)
    : query
  return paged.orderBy('r.reported_at', 'desc').orderBy('r.id', 'desc') as Q
}

/** Reports since a time, newest first, one page of them, inside the viewer's scope. */
export async function listRecentReports(db: Executor, viewer: Principal, since: Date, limit: number, after?: string): Promise<ReportRow[]> {
  return newestFirstAfter(selectReportsFor(db, viewer).where('r.reported_at', '>=', since), after).limit(limit).execute()
}
