import { nextDue } from '../lib/due'
import { LiveTickets } from '../lib/live-tickets.svelte'
import type { Ticket } from '../field/types'

export type DeskTicket = Ticket & { channels: string[] }

/** The states the command room still has to act on; the rest of the open ones are with an agency. */
export const NEEDS_ACTION = ['new', 'verified', 'field_check', 'waiting_reporter', 'reopened']

export function byUrgency(a: Ticket, b: Ticket): number {
  const da = nextDue(a)?.at ?? Infinity
  const db = nextDue(b)?.at ?? Infinity
  if (da !== db) return da - db
  if (a.is_emergency !== b.is_emergency) return a.is_emergency ? -1 : 1
  return a.priority - b.priority || a.id.localeCompare(b.id)
}

/**
 * Every open ticket the viewer may see, kept current by the live stream (lib/live-tickets: a
 * `ticket.*` event replaces its ticket; merges and splits reload the list). The channels of a
 * ticket are kept from the row an event replaces when the event leaves them out.
 */
export class DeskQueue extends LiveTickets<DeskTicket> {
  constructor() {
    super({
      path: '/api/tickets?status=open&limit=5000',
      keep: (t) => t.open && !t.merged_into,
      carry: (t, prev) => ({ ...t, channels: t.channels ?? prev?.channels ?? [] }),
    })
  }
}
