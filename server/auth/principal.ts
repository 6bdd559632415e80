/**
 * Who is asking, and what they may see and do. Every privacy and scope decision goes through
 * the functions here (the API, exports and the WebSocket filter alike), so that a change of
 * policy changes one file.
 *
 * Anonymous clients (no session, no display token) are the read-only `display` role: the
 * local default for a wall screen that nobody signed in on.
 */
export type Role = 'admin' | 'operator' | 'leadership' | 'region_head' | 'agency_staff' | 'field_officer' | 'display'

export const ROLES: readonly Role[] = ['admin', 'operator', 'leadership', 'region_head', 'agency_staff', 'field_officer', 'display']
/** Roles a user account can have (display is a token, not a person). */
export const USER_ROLES = ['admin', 'operator', 'leadership', 'region_head', 'agency_staff', 'field_officer'] as const
export type UserRole = (typeof USER_ROLES)[number]

export interface Principal {
  role: Role
  userId?: string
  /** region_head: the kelurahan/desa or kecamatan codes they answer for. */
  regionCodes?: string[]
  /** agency_staff / field_officer: their agency (OPD). */
  agencyCode?: string
}

export const ANONYMOUS_DISPLAY: Principal = { role: 'display' }

/** Roles that may see the identity of a reporter who asked to stay private. */
export function canSeePrivateIdentity(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'operator'
}

/** Roles that may see a non-private reporter's name and phone at all. */
export function canSeeReporterContact(p: Principal): boolean {
  return p.role !== 'display' && p.role !== 'leadership'
}

/** Whether this viewer may see the identity of one reporter. */
export function canSeeReporter(p: Principal, reporterPrivate: boolean): boolean {
  return reporterPrivate ? canSeePrivateIdentity(p) : canSeeReporterContact(p)
}

/** The screen a role lands on after sign-in (the web app's paths). */
export const LANDING: Record<Role, string> = {
  admin: '/review',
  operator: '/intake',
  leadership: '/wall',
  region_head: '/disputes',
  agency_staff: '/field',
  field_officer: '/field',
  display: '/wall',
}

/** The part of the tickets a viewer may see: everything, some regions, or one agency's. */
export type TicketScope = { all: true } | { all: false; regionCodes: string[] } | { all: false; agencyCode: string }

export function ticketScope(p: Principal): TicketScope {
  if (p.role === 'region_head') return { all: false, regionCodes: p.regionCodes ?? [] }
  if (p.role === 'agency_staff' || p.role === 'field_officer') return { all: false, agencyCode: p.agencyCode ?? '' }
  return { all: true }
}

/** A region code is inside a scope code when it is that code or below it (code prefix). */
export function regionWithin(code: string | null | undefined, scopeCodes: readonly string[]): boolean {
  if (!code) return false
  return scopeCodes.some((s) => code === s || code.startsWith(`${s}.`))
}

/**
 * Whether a ticket (by its region and agency) is inside the viewer's scope. An agency also sees
 * an incident where it holds an added ticket (`added_agencies`, agency_tickets): it works its
 * own ticket there, and acts on the lead's only through canActOnTicket.
 */
export function canSeeTicket(p: Principal, t: { region_code: string | null; agency_code: string | null; added_agencies?: readonly string[] }): boolean {
  const s = ticketScope(p)
  if (s.all) return true
  if ('regionCodes' in s) return regionWithin(t.region_code, s.regionCodes)
  return (t.agency_code !== null && t.agency_code === s.agencyCode) || (t.added_agencies ?? []).includes(s.agencyCode)
}

/** Whether the viewer may move the incident's lead ticket (not only an added one of theirs on it). */
export function canActOnTicket(p: Principal, t: { region_code: string | null; agency_code: string | null }): boolean {
  return canSeeTicket(p, { region_code: t.region_code, agency_code: t.agency_code })
}

/**
 * Roles that may attach a report to any open incident they name (a 112 operator joining a call
 * to one they recognise, wherever the caller placed it). Anyone else ("saya juga" on the
 * citizens' form) may join only an incident near the report's own point.
 */
export function canAttachAnywhere(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'operator'
}

/** Ticket details (history notes, reports) are for people, not for wall screens. */
export function canReadTicketDetail(p: Principal): boolean {
  return p.role !== 'display'
}

/** Command-room work: lifecycle moves of any ticket, re-routing, entering ratings by phone. */
export function isCommandRoom(p: Principal): boolean {
  return p.role === 'admin' || p.role === 'operator'
}

export function isAdmin(p: Principal): boolean {
  return p.role === 'admin'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The user id to store with a change: only a real account's (tests and tools make up others). */
export function storedUserId(p: Principal | null | undefined): string | null {
  return p?.userId && UUID.test(p.userId) ? p.userId : null
}
