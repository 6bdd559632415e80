import { LiveTickets } from '../lib/live-tickets.svelte'
import type { Ticket } from './types'

type Scope = { all: true } | { all: false; regionCodes: string[] } | { all: false; agencyCode: string }

/**
 * The open tickets of the officer's agency (its own, and its added tickets on other agencies'
 * incidents), kept current by the live stream (lib/live-tickets): a ticket re-assigned to the
 * agency appears, one re-assigned away, closed or merged away elsewhere leaves.
 */
export class FieldTickets extends LiveTickets<Ticket> {
  private scope: Scope = { all: true }

  constructor() {
    super({
      path: '/api/tickets?status=open&limit=2000',
      keep: (t) => this.mine(t),
      asAgency: () => ('agencyCode' in this.scope ? this.scope.agencyCode : null),
    })
  }

  override async start(scope: Scope = { all: true }) {
    this.scope = scope
    await super.start()
  }

  private mine(t: Ticket): boolean {
    if (!t.open || t.merged_into) return false
    if ('agencyCode' in this.scope) return t.agency?.code === this.scope.agencyCode
    return true
  }
}
