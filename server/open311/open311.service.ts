import { createHash } from 'node:crypto'
import type { Category } from '../db/database.js'
import type { Deps } from '../http/context.js'
import { ReportInput } from '../reports/report.schema.js'
import { intakeReport, scopedIdempotencyKey, type IntakeResult } from '../reports/report.service.js'
import { parseChecked } from '../http/errors.js'
import { isClosed } from '../tickets/ticket.rules.js'
import { placeByAddress, placeByCode, type RequestRow } from './open311.repository.js'
import type { Open311Request, Open311RequestInput } from './open311.schema.js'
import { w3c } from './open311.format.js'
import { statusLabel } from '../status/status.labels.js'

/** Raised for answers in the Open311 error format: `[{ code, description }]`. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 422 | 500,
    message: string,
  ) {
    super(message)
  }
}

/** Our categories are the services; their code is the service_code. */
export function toService(c: Category) {
  return {
    service_code: c.code,
    service_name: c.name_id,
    description: `${c.name_id} (${c.name_en})`,
    metadata: true,
    type: 'realtime' as const,
    keywords: [c.name_id, c.name_en, c.grp].join(', ').toLowerCase(),
    group: c.grp,
  }
}

/** The one attribute every service takes: private mode (PRODUCT.md: identity leaks). */
export function serviceDefinition(code: string) {
  return {
    service_code: code,
    attributes: [
      {
        variable: true,
        code: 'private',
        datatype: 'singlevaluelist',
        required: false,
        datatype_description: 'Rahasiakan identitas pelapor / keep the reporter private',
        order: 1,
        description: 'Rahasiakan identitas saya (hanya admin dan operator yang dapat melihatnya)',
        values: [
          { key: 'true', name: 'Ya / Yes' },
          { key: 'false', name: 'Tidak / No' },
        ],
      },
    ],
  }
}

export const ticketNumber = (reportId: string) => reportId.slice(0, 8).toUpperCase()

export function serviceNotice(reportId: string): string {
  return `Laporan diterima dengan nomor tiket ${ticketNumber(reportId)}. Status dapat dipantau di /status/${ticketNumber(reportId)} atau melalui service_request_id atau nomor tiket.`
}

/**
 * Turns an Open311 submission into a report and takes it in through the one intake path.
 * Idempotent: the channel id is the client's Idempotency-Key header when it sends one, or a
 * hash of the submission itself, so a retried POST finds the report the first one stored.
 */
export async function submitRequest(deps: Deps, r: Open311RequestInput, client: string, idempotencyKey?: string): Promise<IntakeResult> {
  const category = await deps.categories.get(r.service_code)
  if (!category || !category.active) throw new Open311Error(404, `service_code "${r.service_code}" not found; GET services.json lists them`)
  let location: ReportInput['location']
  let claimed: string | undefined = r.address_string
  if (r.lat !== undefined && r.long !== undefined) {
    location = { lat: r.lat, lon: r.long }
  } else {
    const place = r.address_id
      ? await placeByCode(deps.db.db, r.address_id)
      : await placeByAddress(deps.db.db, r.address_string ?? '')
    if (!place) throw new Open311Error(400, `address could not be located (${r.address_id ? 'address_id' : 'address_string'}); send lat and long`)
    location = { lat: place.lat, lon: place.lon, accuracy_m: place.accuracy_m }
    claimed ??= place.name
  }
  const name = [r.first_name, r.last_name].filter(Boolean).join(' ')
  // The channel id is the client and a hash of what it sent: a POST retried without a key finds
  // its report. A key the client sends is kept as the report's Idempotency-Key, scoped to the
  // client, so that the same key with another request is refused (409), never merged.
  const externalId = `${client}:${createHash('sha256')
    .update(JSON.stringify([r.service_code, r.lat, r.long, r.address_string, r.address_id, r.description, r.email, r.device_id, r.account_id, r.phone, r.media_url]))
    .digest('hex')
    .slice(0, 32)}`
  // Its text was refused where the request came in (open311.routes.ts parse): not again here.
  const input = parseChecked(
    ReportInput,
    {
      channel: 'open311',
      external_id: externalId.slice(0, 200),
      category: category.code,
      description: r.description ?? category.name_id,
      location,
      ...(claimed ? { claimed_region: claimed.slice(0, 200) } : {}),
      ...(r.media_url ? { media_url: r.media_url } : {}),
      ...(name || r.phone
        ? { reporter: { ...(name ? { name } : {}), ...(r.phone ? { phone: r.phone } : {}), private: isYes(r.attribute?.private) } }
        : {}),
    },
    'service request',
  )
  return intakeReport(deps, input, idempotencyKey ? scopedIdempotencyKey(client, 'open311', idempotencyKey) : null)
}

const isYes = (v: string | undefined) => v !== undefined && ['true', '1', 'yes', 'ya', 'y'].includes(v.toLowerCase())

/** A stored report in GeoReport v2 terms. No reporter identity: Open311 answers are public. */
export function toOpen311(row: RequestRow, baseUrl: string): Open311Request {
  const closed = isClosed(row.incident_status)
  return {
    service_request_id: row.id,
    status: closed ? 'closed' : 'open',
    // The citizen's words for the state, and where to follow it (the ticket number's page).
    status_notes: `${statusLabel(row.incident_status).id}. Status: ${baseUrl}/status/${ticketNumber(row.id)}`,
    service_name: row.service_name,
    service_code: row.category_code,
    description: row.description,
    agency_responsible: row.agency_name,
    service_notice: serviceNotice(row.id),
    requested_datetime: w3c(row.reported_at)!,
    updated_datetime: w3c(row.incident_updated_at ?? row.received_at),
    expected_datetime: closed ? null : w3c(row.resolve_due_at),
    address: row.region_name,
    address_id: row.region_code,
    zipcode: null,
    lat: row.lat,
    long: row.lon,
    // The link the client posted, else the first photo attached.
    media_url: row.media_url ?? (row.photo_id ? `${baseUrl}/api/photos/${row.photo_id}` : null),
  }
}
