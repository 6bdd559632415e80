import { canSeePrivateIdentity, type Principal } from '../auth/principal.js'
import type { TicketRow } from './ticket.repository.js'
import { isOpen } from './ticket.rules.js'
import { clocksView } from './late.js'
import { laporStages } from './ticket.clocks.js'

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/**
 * A ticket as JSON for lists, the wall and the WebSocket: no reporter identity and no
 * staff-written text (notes may name people; they are in the detail, redacted by role).
 */
export function ticketView(r: TicketRow, now: Date) {
  return {
    id: r.id,
    category: r.category_code,
    status: r.status,
    open: isOpen(r.status) && r.merged_into === null,
    agency: r.agency_code ? { code: r.agency_code, name: r.agency_name ?? r.agency_code } : null,
    field_team: r.field_team,
    priority: r.priority,
    is_emergency: r.is_emergency,
    location: { lat: round6(r.lat), lon: round6(r.lon) },
    region: r.region_code ? { code: r.region_code, name: r.region_name ?? r.region_code } : null,
    report_count: r.report_count,
    channels: r.channels,
    created_at: r.created_at.toISOString(),
    first_reported_at: r.first_reported_at.toISOString(),
    status_changed_at: iso(r.status_changed_at),
    merged_into: r.merged_into,
    /** Other agencies' tickets on this incident (an accident: ambulance, police, toll road). */
    added_agencies: r.added_agencies ?? [],
    /** On an added agency's own ticket (as that agency sees it): the lead agency and its state. */
    ...(r.agency_ticket_id
      ? { lead: { agency: r.lead_agency_code ? { code: r.lead_agency_code, name: r.lead_agency_name ?? r.lead_agency_code } : null, status: r.lead_status ?? null } }
      : {}),
    sla: {
      ...clocksView(r, now),
      paused_at: iso(r.paused_at),
      /** Time spent waiting for the reporter in pauses already over (seconds), already in the due times. */
      paused_seconds: r.paused_seconds,
      /** SP4N-LAPOR!'s chained clocks (verification, then follow-up plan); null for other tickets. */
      lapor: laporStages(r, now),
    },
  }
}
export type TicketView = ReturnType<typeof ticketView>

/**
 * Replaces every private reporter's name and phone in staff-written text for viewers who may
 * not see them. Staff retype what they heard: a name in any letter case and spacing, a phone in
 * any Indonesian spelling (+62 / 62 / 0 in front, spaces, dashes, dots, parentheses between).
 */
export function redact(text: string | null, identities: readonly string[], viewer: Principal): string | null {
  if (text === null || canSeePrivateIdentity(viewer) || identities.length === 0) return text
  const patterns = [...identities].sort((a, b) => b.length - a.length).map(identityPattern)
  return text.replace(new RegExp(patterns.join('|'), 'giu'), '[dirahasiakan]')
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const SEP = '[\\s.()\\-]*'

/** A regular expression source matching one identity however it is written. */
export function identityPattern(identity: string): string {
  const digits = identity.replace(/\D/g, '')
  if (/^[\s+0-9().-]+$/.test(identity) && digits.length >= 6) {
    // The number without its country or trunk prefix, then any prefix and separators around it.
    const national = digits.startsWith('62') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : digits
    const prefix = `(?:(?:\\(\\s*)?(?:\\+\\s*62|62|0)\\s*\\)?${SEP})?`
    return `(?<![0-9])${prefix}${[...national].join(SEP)}(?![0-9])`
  }
  return identity.trim().split(/\s+/).map(escape).join('\\s+')
}
