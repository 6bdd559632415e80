import { z } from 'zod'

/**
 * Every event sigap writes to its log and pushes over the WebSocket: its type, the shape of its
 * payload, and who may see it (its scope). Shared by the server (appendEvent refuses anything
 * not described here) and the web (live.svelte.ts parses what arrives through the same union).
 * Only zod and plain functions here: the web bundles this file.
 *
 * Payloads are loose objects: the fields named are required and checked, others pass through
 * (views grow fields without an entry here). The fields a scope is derived from are required.
 */

const Id = z.guid()
/** A region or agency reference as views write it; null when there is none. */
const Ref = z.looseObject({ code: z.string().min(1), name: z.string() }).nullable()
const Actor = z.looseObject({ user_id: z.string().nullable(), role: z.string() })

const Ticket = z.looseObject({ id: Id, region: Ref, agency: Ref })
const Incident = z.looseObject({ id: Id, region: Ref })
const Dispute = z.looseObject({
  id: Id,
  claimed_region: z.looseObject({ code: z.string().min(1) }),
  detected_region: z.looseObject({ code: z.string().min(1) }),
})

/** Another agency's ticket on an incident (agency_tickets): that agency's, not the lead's. */
const AgencyTicket = z.looseObject({ incident_id: Id, region_code: z.string().nullable(), agency_code: z.string().min(1) })

const PAYLOADS = {
  'report.created': z.looseObject({
    id: Id,
    channel: z.string(),
    category: z.string(),
    description: z.string(),
    location: z.looseObject({ lat: z.number(), lon: z.number() }),
    region: Ref,
    reported_at: z.string(),
    incident_id: Id.nullish(),
  }),
  'incident.created': z.looseObject({ incident: Incident, cause: z.string() }),
  'incident.updated': z.looseObject({ incident: Incident, cause: z.string() }),
  'incident.merged': z.looseObject({ incident: Incident, merged_id: Id, moved_report_ids: z.array(Id) }),
  'incident.split': z.looseObject({ from: Incident, to: Incident, report_ids: z.array(Id) }),
  'ticket.routed': z.looseObject({ ticket: Ticket, from_agency: z.string().nullable(), cause: z.string() }),
  'ticket.transitioned': z.looseObject({ ticket: Ticket, from: z.string(), to: z.string() }),
  'ticket.recategorized': z.looseObject({ ticket: Ticket, from_category: z.string(), from_agency: z.string().nullable() }),
  'ticket.sla_breached': z.looseObject({ ticket: Ticket, sla: z.string() }),
  'ticket.agency_added': z.looseObject({ ticket: Ticket, agency_code_added: z.string().min(1) }),
  'agency_ticket.added': AgencyTicket,
  'agency_ticket.transitioned': AgencyTicket,
  'agency_ticket.sla_breached': AgencyTicket,
  'ticket.rated': z.looseObject({ incident_id: Id, agency_code: z.string().nullable(), score: z.number() }),
  'photo.added': z
    .looseObject({ id: Id, report_id: Id.nullable(), incident_id: Id.nullable() })
    .refine((p) => p.report_id !== null || p.incident_id !== null, { message: 'a photo event names its report or its incident', path: ['incident_id'] }),
  'dispute.opened': z.looseObject({ dispute: Dispute, cause: z.string() }),
  'dispute.cleared': z.looseObject({ dispute: Dispute, cause: z.string() }),
  'dispute.proposed': z.looseObject({ dispute: Dispute, by: Actor }),
  'dispute.decided': z.looseObject({ dispute: Dispute, by: Actor }),
  'dispute.overdue': z.looseObject({ dispute: Dispute }),
  'locations.rechecked': z.looseObject({ checked: z.number(), changed: z.number(), cause: z.string() }),
  'hotspots.updated': z.looseObject({ window: z.string(), digest: z.string(), count: z.number() }),
  'catalogue.changed': z.looseObject({ what: z.string() }),
  'skm.response': z.looseObject({ id: z.union([z.string(), z.number()]), agency_code: z.string().min(1) }),
  'skm.recommendation': z.looseObject({ id: z.union([z.string(), z.number()]), agency_code: z.string().min(1), period: z.string() }),
  'user.created': z.looseObject({ user: z.looseObject({ id: Id }), by: Actor }),
  'user.updated': z.looseObject({ user: z.looseObject({ id: Id }), by: Actor }),
  'display_token.created': z.looseObject({ name: z.string() }),
  'display_token.revoked': z.looseObject({ name: z.string() }),
} as const

export type EventType = keyof typeof PAYLOADS
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[]
/**
 * A loose schema's type with its index signatures taken off, deep, and one put back on top: the
 * views (interfaces) pass where the checked fields match, and a payload may carry more fields.
 */
type Named<T> = T extends readonly (infer U)[] ? Named<U>[] : T extends object ? { [K in keyof T as string extends K ? never : K]: Named<T[K]> } : T
type Open<T> = Named<T> & { [field: string]: unknown }
/** What a caller passes to appendEvent for this type. */
export type EventData<T extends EventType> = Open<z.input<(typeof PAYLOADS)[T]>>
/** What a reader gets for this type (the web's live events). */
export type EventPayload<T extends EventType> = Open<z.output<(typeof PAYLOADS)[T]>>

/** One event as the union both sides parse: `{ type, data }`, discriminated by type. */
export const AppEvent = z.discriminatedUnion(
  'type',
  EVENT_TYPES.map((type) => z.object({ type: z.literal(type), data: PAYLOADS[type] })) as unknown as [
    // The mapped list is built at run time; its static type is spelled out once here.
    z.ZodObject<{ type: z.ZodLiteral<EventType>; data: z.ZodType }>,
  ],
)
export type AppEvent = { [T in EventType]: { type: T; data: EventPayload<T> } }[EventType]

/**
 * Who may see an event, stored with it as columns (events.audience, region_codes, agency_codes)
 * so the live filter and the replay compare instead of guessing:
 *
 * - `admins`: accounts and tokens; admins only.
 * - `everyone`: about no place or agency (hotspots, the catalogue, a re-check's totals).
 * - `place`: a ticket's world. Roles that see all tickets see it; a region head when one of
 *   its regions is within theirs; agency staff and field officers when one of its agencies is
 *   theirs. Nothing placed: only the roles that see everything.
 * - `regions`: location disputes. A region head when one of its regions is within theirs;
 *   every other role sees it (a dispute carries no identity; see disputes/dispute.access.ts).
 */
export const AUDIENCES = ['admins', 'everyone', 'place', 'regions'] as const
export type Audience = (typeof AUDIENCES)[number]

export interface EventScope {
  audience: Audience
  regions?: (string | null | undefined)[]
  agencies?: (string | null | undefined)[]
  /** Incidents the event is about: their region and agency (as stored when it is appended) join the scope. */
  incidents?: (string | null | undefined)[]
  /** Reports the event is about: their region, and their incident's region and agency, join the scope. */
  reports?: (string | null | undefined)[]
}

const ticketScope = (d: { ticket: { region: { code: string } | null; agency: { code: string } | null } }, ...moreAgencies: (string | null)[]): EventScope => ({
  audience: 'place',
  regions: [d.ticket.region?.code],
  agencies: [d.ticket.agency?.code, ...moreAgencies],
})
const disputeScope = (d: { dispute: { claimed_region: { code: string }; detected_region: { code: string } } }): EventScope => ({
  audience: 'regions',
  regions: [d.dispute.claimed_region.code, d.dispute.detected_region.code],
})
const agencyTicketScope = (d: { region_code: string | null; agency_code: string }): EventScope => ({
  audience: 'place',
  regions: [d.region_code],
  agencies: [d.agency_code],
})
const incidentScope = (d: { incident: { id: string; region: { code: string } | null } }): EventScope => ({
  audience: 'place',
  regions: [d.incident.region?.code],
  incidents: [d.incident.id],
})

/**
 * How each type's scope follows from its payload. A mapped type: a new event type without a
 * rule here does not compile (and tests/event.catalog.test.ts fails on the table of roles).
 */
export const EVENT_SCOPES: { [T in EventType]: (data: EventPayload<T>) => EventScope } = {
  'report.created': (d) => ({ audience: 'place', regions: [d.region?.code], incidents: [d.incident_id], reports: [d.id] }),
  'incident.created': incidentScope,
  'incident.updated': incidentScope,
  'incident.merged': (d) => ({ audience: 'place', regions: [d.incident.region?.code], incidents: [d.incident.id, d.merged_id] }),
  'incident.split': (d) => ({ audience: 'place', regions: [d.from.region?.code, d.to.region?.code], incidents: [d.from.id, d.to.id] }),
  // The agency a ticket leaves sees it leave (its field screen drops the pin).
  'ticket.routed': (d) => ticketScope(d, d.from_agency),
  'ticket.transitioned': (d) => ticketScope(d),
  'ticket.recategorized': (d) => ticketScope(d, d.from_agency),
  'ticket.sla_breached': (d) => ticketScope(d),
  // The lead ticket's own world (its views list the added agencies); the added agency hears of it by agency_ticket.added.
  'ticket.agency_added': (d) => ticketScope(d),
  // Not the incident: its lead agency (and other added ones) must not see this agency's ticket.
  'agency_ticket.added': (d) => agencyTicketScope(d),
  'agency_ticket.transitioned': (d) => agencyTicketScope(d),
  'agency_ticket.sla_breached': (d) => agencyTicketScope(d),
  'ticket.rated': (d) => ({ audience: 'place', agencies: [d.agency_code], incidents: [d.incident_id] }),
  'photo.added': (d) => ({ audience: 'place', incidents: [d.incident_id], reports: [d.report_id] }),
  'dispute.opened': disputeScope,
  'dispute.cleared': disputeScope,
  'dispute.proposed': disputeScope,
  'dispute.decided': disputeScope,
  'dispute.overdue': disputeScope,
  'locations.rechecked': () => ({ audience: 'everyone' }),
  'hotspots.updated': () => ({ audience: 'everyone' }),
  'catalogue.changed': () => ({ audience: 'everyone' }),
  'skm.response': (d) => ({ audience: 'place', agencies: [d.agency_code] }),
  'skm.recommendation': (d) => ({ audience: 'place', agencies: [d.agency_code] }),
  'user.created': () => ({ audience: 'admins' }),
  'user.updated': () => ({ audience: 'admins' }),
  'display_token.created': () => ({ audience: 'admins' }),
  'display_token.revoked': () => ({ audience: 'admins' }),
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(PAYLOADS, type)
}

export class EventRefused extends Error {
  constructor(
    readonly eventType: string,
    reason: string,
  ) {
    super(`Event "${eventType}" refused: ${reason}`)
  }
}

/** Checks one payload against the catalogue: its parsed form, or throws EventRefused naming the field. */
export function parseEvent<T extends EventType>(type: T, data: unknown): EventPayload<T>
export function parseEvent(type: string, data: unknown): unknown
export function parseEvent(type: string, data: unknown): unknown {
  if (!isEventType(type)) throw new EventRefused(type, 'not in the event catalogue (server/events/event.catalog.ts)')
  const r = PAYLOADS[type].safeParse(data)
  if (!r.success) throw new EventRefused(type, r.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '))
  return r.data
}

/** The scope of a payload already checked by parseEvent. */
export function scopeOf<T extends EventType>(type: T, data: EventPayload<T>): EventScope {
  return EVENT_SCOPES[type](data)
}
