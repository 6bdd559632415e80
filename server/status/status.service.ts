import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { ticketNumber } from '../open311/open311.service.js'
import { statusLabel } from './status.labels.js'
import { isRed, resolveLate } from '../tickets/late.js'
import { laporStages } from '../tickets/ticket.clocks.js'
import { findByNumber, ratingTokenOf, statusHistory, statusLinkSecret, type StatusRow } from './status.repository.js'

const RATEABLE = new Set(['resolved', 'closed'])

/** The tag of a report's status link: only the server can make it (the report id is public). */
export function statusTag(secret: string, reportId: string): string {
  return createHmac('sha256', secret).update(reportId).digest('base64url').slice(0, 22)
}

const tagMatches = (secret: string, reportId: string, k: string) => {
  const want = Buffer.from(statusTag(secret, reportId))
  const got = Buffer.from(k)
  return got.length === want.length && timingSafeEqual(got, want)
}

/** The private status link of a report, to send to its reporter: number plus tag. */
export async function statusLinkPath(db: Kysely<Database>, reportId: string): Promise<string> {
  return `/status/${ticketNumber(reportId)}?k=${statusTag(await statusLinkSecret(db), reportId)}`
}

export interface PublicStatus {
  ticket_number: string
  category: string
  kelurahan: string | null
  kecamatan: string | null
  received_at: string
  status: string
  status_label: string
  status_label_en: string
  agency: string | null
  response_due_at: string | null
  resolve_due_at: string | null
  responded_at: string | null
  resolved_at: string | null
  updated_at: string
  history: { status: string; label: string; at: string }[]
  /** Six days without a response (JAKI's red: tickets/late.ts isRed). */
  red: boolean
  /** SP4N-LAPOR!'s two clocks, one after the other (tickets opened by a LAPOR! report); null otherwise. */
  lapor: ReturnType<typeof laporStages>
  /** Past its resolution due time, by the one definition of late (tickets/late.ts). */
  late: boolean
  /** Only through the reporter's own link, once the ticket is resolved. */
  rating_url?: string
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)

/**
 * What a citizen may see about the reports with this ticket number: the ticket's state, its
 * category, kelurahan and agency, its due times and its moves. Never the reporter, the words
 * of the report, its exact place or its photos. With the link's tag `k` (matching one of the
 * reports) only that report is answered, with its rating link once resolved.
 */
export async function publicStatus(db: Kysely<Database>, number: string, k?: string): Promise<PublicStatus[]> {
  let rows = await findByNumber(db, number)
  let own: StatusRow | undefined
  if (k && rows.length) {
    const secret = await statusLinkSecret(db)
    own = rows.find((r) => tagMatches(secret, r.report_id, k))
    if (own) rows = [own]
  }
  const now = new Date()
  return Promise.all(
    rows.map(async (r) => {
      const status = r.status ?? 'new'
      const history = r.incident_id ? await statusHistory(db, r.incident_id) : []
      const label = statusLabel(status)
      const view: PublicStatus = {
        ticket_number: ticketNumber(r.report_id),
        category: r.category_name,
        kelurahan: r.region_name,
        kecamatan: r.district_name,
        received_at: iso(r.received_at)!,
        status,
        status_label: label.id,
        status_label_en: label.en,
        agency: r.agency_name,
        response_due_at: iso(r.response_due_at),
        resolve_due_at: iso(r.resolve_due_at),
        responded_at: iso(r.first_response_at),
        resolved_at: iso(r.resolved_at),
        updated_at: iso(r.updated_at ?? r.received_at)!,
        red: r.ticket_created_at !== null && isRed({ ...r, created_at: r.ticket_created_at, merged_into: null }, now),
        lapor: laporStages(r, now),
        late: r.resolve_due_at !== null && resolveLate({ ...r, response_breached_at: null }, now),
        history: history.map((h) => ({ status: h.to_status!, label: statusLabel(h.to_status).id, at: iso(h.at)! })),
      }
      if (own && RATEABLE.has(status)) {
        const token = await ratingTokenOf(db, r.report_id)
        if (token) view.rating_url = `/nilai/${token}`
      }
      return view
    }),
  )
}
