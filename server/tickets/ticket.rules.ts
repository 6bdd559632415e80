import { isCommandRoom, type Principal } from '../auth/principal.js'

export const STATUSES = ['new', 'verified', 'field_check', 'waiting_reporter', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'] as const
export type TicketStatus = (typeof STATUSES)[number]

/**
 * States in which a ticket has ended (its ended_at set): it takes no more reports, leaves the
 * wall and the backlog. The one list: server and screens import it, SQL built in TypeScript
 * interpolates it; the SQL functions and the partial index of matching (migrations/
 * functions/matching.sql, migrations 0006-0007) spell it out, and tests/schema.test.ts checks
 * they agree.
 */
export const CLOSED_STATUSES = ['resolved', 'closed', 'rejected'] as const satisfies readonly TicketStatus[]
export const isClosed = (s: string | null): boolean => s !== null && (CLOSED_STATUSES as readonly string[]).includes(s)

/** States in which a ticket is still being worked on (the backlog): all but the closed ones. */
export const OPEN_STATUSES: readonly TicketStatus[] = STATUSES.filter((s) => !isClosed(s))

/** The kinds of rejection the statistics count (hoaxes and pranks are what a command room most wants to see). */
export const REJECT_CODES = ['hoax', 'prank', 'duplicate', 'out_of_scope', 'other'] as const
export const isOpen = (s: string) => (OPEN_STATUSES as readonly string[]).includes(s)

/**
 * Allowed moves. dispatched -> dispatched re-dispatches (another field team); rejected is for
 * invalid reports and hoaxes, before the work starts or when the agency finds nothing on site.
 */
export const NEXT: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['verified', 'field_check', 'waiting_reporter', 'dispatched', 'rejected'],
  verified: ['field_check', 'waiting_reporter', 'dispatched', 'rejected'],
  // A special team (tim khusus) checks the site first; then forward, ask the reporter, or reject.
  field_check: ['verified', 'waiting_reporter', 'dispatched', 'rejected'],
  // Asked the reporter for more: back to the command room's choices when they answer (or not).
  waiting_reporter: ['verified', 'dispatched', 'rejected'],
  dispatched: ['dispatched', 'in_progress', 'resolved', 'rejected'],
  in_progress: ['resolved'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  rejected: ['reopened'],
  reopened: ['verified', 'field_check', 'waiting_reporter', 'dispatched', 'in_progress', 'resolved', 'rejected'],
}

export function canMove(from: string, to: TicketStatus): boolean {
  return (NEXT[from as TicketStatus] ?? []).includes(to)
}

/** What each role may do to a ticket in its scope (the scope itself is checked by the caller). */
const BY_ROLE: Partial<Record<Principal['role'], readonly TicketStatus[]>> = {
  // Agency staff assign their field teams and report progress; field officers report progress.
  agency_staff: ['dispatched', 'in_progress', 'resolved'],
  field_officer: ['in_progress', 'resolved'],
}

export function mayMove(p: Principal, from: string, to: TicketStatus): boolean {
  if (isCommandRoom(p)) return true
  const allowed = BY_ROLE[p.role] ?? []
  // Agency staff re-dispatch within their agency; they do not take a ticket out of 'new'.
  if (p.role === 'agency_staff' && to === 'dispatched') return from === 'dispatched'
  return allowed.includes(to)
}

/**
 * An added agency's ticket on an incident (agency_tickets): the command room hands it over
 * already dispatched, so it has the agency's part of the lifecycle only. The command room may
 * withdraw it (rejected, with a reason) or hand it over again after it ended (with a reason).
 */
export const AGENCY_STATUSES = ['dispatched', 'in_progress', 'resolved', 'rejected'] as const satisfies readonly TicketStatus[]
export const AGENCY_NEXT: Record<(typeof AGENCY_STATUSES)[number], readonly TicketStatus[]> = {
  dispatched: ['dispatched', 'in_progress', 'resolved', 'rejected'],
  in_progress: ['resolved'],
  resolved: ['dispatched'],
  rejected: ['dispatched'],
}
export function canMoveAgencyTicket(from: string, to: TicketStatus): boolean {
  return (AGENCY_NEXT[from as (typeof AGENCY_STATUSES)[number]] ?? []).includes(to)
}
