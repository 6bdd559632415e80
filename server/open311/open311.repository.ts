import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { CLOSED_STATUSES } from '../tickets/ticket.rules.js'
import { numberRange, TICKET_NUMBER } from '../status/status.repository.js'

export interface RequestRow {
  id: string
  category_code: string
  service_name: string
  description: string
  reported_at: Date
  received_at: Date
  lat: number
  lon: number
  region_code: string | null
  region_name: string | null
  /** The ticket state of the report's incident (of the incident it was merged into, if so). */
  incident_status: string | null
  incident_updated_at: Date | null
  /** The agency the ticket is routed to, and when it is due to be resolved (tickets module). */
  agency_name: string | null
  resolve_due_at: Date | null
  photo_id: string | null
  media_url: string | null
}

export interface RequestFilter {
  ids?: string[]
  serviceCodes?: string[]
  from?: Date
  to?: Date
  status?: ('open' | 'closed')[]
  limit: number
}

const CLOSED = sql.join(CLOSED_STATUSES.map((s) => sql.lit(s)))
const STATUS = sql<string | null>`coalesce(m.status, i.status)`
const IS_CLOSED = sql<boolean>`coalesce(${STATUS} IN (${CLOSED}), false)`

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Service requests (our reports) for Open311, newest first. */
export async function listRequests(db: Kysely<Database>, f: RequestFilter): Promise<RequestRow[]> {
  let q = db
    .selectFrom('reports as r')
    .innerJoin('categories as c', 'c.code', 'r.category_code')
    .leftJoin('regions as g', 'g.code', 'r.region_code')
    .leftJoin('incidents as i', 'i.id', 'r.incident_id')
    .leftJoin('incidents as m', 'm.id', 'i.merged_into')
    .leftJoin('agencies as a', (j) => j.on(sql<boolean>`a.code = coalesce(m.agency_code, i.agency_code)`))
    .select([
      'r.id',
      'r.category_code',
      'c.name_id as service_name',
      'r.description',
      'r.reported_at',
      'r.received_at',
      sql<number>`ST_Y(r.location)`.as('lat'),
      sql<number>`ST_X(r.location)`.as('lon'),
      'r.region_code',
      'g.name as region_name',
      STATUS.as('incident_status'),
      sql<Date | null>`coalesce(m.updated_at, i.updated_at)`.as('incident_updated_at'),
      'a.name_id as agency_name',
      sql<Date | null>`coalesce(m.resolve_due_at, i.resolve_due_at)`.as('resolve_due_at'),
      'r.media_url',
      sql<string | null>`(SELECT p.id FROM photos p WHERE p.report_id = r.id ORDER BY p.created_at, p.id LIMIT 1)`.as('photo_id'),
    ])
  if (f.ids) {
    // A malformed id matches nothing rather than failing the whole query on the uuid cast.
    // A ticket number (the id's first 8 hex digits, as citizens get it) stands for its reports.
    const ids = f.ids.filter((id) => UUID.test(id))
    const numbers = f.ids.filter((id) => TICKET_NUMBER.test(id)).map(numberRange)
    if (ids.length === 0 && numbers.length === 0) return []
    q = q.where((eb) =>
      eb.or([
        ...(ids.length ? [eb('r.id', 'in', ids)] : []),
        ...numbers.map(([lo, hi]) => eb.between('r.id', lo, hi)),
      ]),
    )
  } else {
    if (f.serviceCodes) q = q.where('r.category_code', 'in', f.serviceCodes)
    if (f.from) q = q.where('r.reported_at', '>=', f.from)
    if (f.to) q = q.where('r.reported_at', '<=', f.to)
    if (f.status && f.status.length === 1) q = q.where(f.status[0] === 'closed' ? IS_CLOSED : sql<boolean>`NOT ${IS_CLOSED}`)
  }
  return q.orderBy('r.reported_at', 'desc').orderBy('r.id').limit(f.limit).execute()
}

export interface Place {
  code: string
  name: string
  lat: number
  lon: number
  /** Half the width of a square of the region's area: how far off the point may be. */
  accuracy_m: number
}

const LEVEL_RANK = sql`CASE level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END`

function placeQuery(db: Kysely<Database>) {
  return db
    .selectFrom('regions')
    .select([
      'code',
      'name',
      sql<number>`ST_Y(label_point)`.as('lat'),
      sql<number>`ST_X(label_point)`.as('lon'),
      sql<number>`least(100000, greatest(50, sqrt(area_km2) * 500))`.as('accuracy_m'),
    ])
}

/** The region with this code (Open311 address_id), as a place. */
export async function placeByCode(db: Kysely<Database>, code: string): Promise<Place | undefined> {
  return placeQuery(db).where('code', '=', code).executeTakeFirst()
}

/**
 * The smallest region whose name appears in a free-text address ("Jl. Merdeka, Kel. Alfa"):
 * a coarse geocoder that needs nothing but the boundaries already loaded.
 */
export async function placeByAddress(db: Kysely<Database>, address: string): Promise<Place | undefined> {
  return placeQuery(db)
    .where(sql<boolean>`length(name) >= 3 AND position(lower(name) IN lower(${address})) > 0`)
    .orderBy(LEVEL_RANK)
    .orderBy(sql`length(name)`, 'desc')
    .orderBy('code')
    .executeTakeFirst()
}
