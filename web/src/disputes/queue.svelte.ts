import { getJson } from '../lib/api'
import type { LiveEvent } from '../lib/live.svelte'
import { ACTIVE, type Dispute, type DisputeState } from './types'

export type StateFilter = 'active' | 'open' | 'proposed' | 'decided' | 'all'
export const STATE_FILTERS: readonly StateFilter[] = ['active', 'open', 'proposed', 'decided', 'all']

const STATES_OF: Record<StateFilter, readonly DisputeState[] | null> = {
  active: ACTIVE,
  open: ['open'],
  proposed: ['proposed'],
  decided: ['moved', 'kept', 'returned'],
  all: null,
}

/** What one batch of events changed, for announcements and for reloading the open dispute. */
export interface QueueChange {
  added: Dispute[]
  touched: Set<string>
}

/**
 * The head's queue: what the server lets them see (their regions only), narrowed by a state
 * filter, oldest first. Loaded over HTTP, then kept current from `dispute.*` events.
 */
export class DisputeQueue {
  items = $state<Dispute[]>([])
  filter = $state<StateFilter>('active')
  region = $state<string>('')
  loaded = $state(false)
  error = $state<string | null>(null)

  /** Loads the queue; returns the event seq the answer is current to. */
  async load(): Promise<number> {
    const q = new URLSearchParams({ order: 'oldest', limit: '500' })
    const states = STATES_OF[this.filter]
    if (states) q.set('state', states.join(','))
    if (this.region) q.set('region', this.region)
    try {
      const res = await getJson<{ seq: number; disputes: Dispute[] }>(`/api/disputes?${q}`)
      this.items = res.disputes
      this.loaded = true
      this.error = null
      return res.seq
    } catch (e) {
      this.error = (e as Error).message
      throw e
    }
  }

  private matches(d: Dispute): boolean {
    const states = STATES_OF[this.filter]
    if (states && !states.includes(d.state)) return false
    if (this.region) {
      const within = (code: string) => code === this.region || code.startsWith(`${this.region}.`)
      if (!within(d.claimed_region.code) && !within(d.detected_region.code)) return false
    }
    return true
  }

  /** Merges a batch: the newest view of each dispute wins; those leaving the filter leave the list. */
  apply(batch: LiveEvent[]): QueueChange {
    const latest = new Map<string, Dispute>()
    for (const ev of batch) {
      if (!ev.event.startsWith('dispute.')) continue
      const d = (ev.data as { dispute?: Dispute } | null)?.dispute
      if (d?.id) latest.set(d.id, d)
    }
    return this.merge(latest)
  }

  private merge(latest: Map<string, Dispute>): QueueChange {
    const change: QueueChange = { added: [], touched: new Set(latest.keys()) }
    if (latest.size === 0) return change
    const byId = new Map(this.items.map((d) => [d.id, d]))
    for (const [id, d] of latest) {
      if (this.matches(d)) {
        if (!byId.has(id)) change.added.push(d)
        byId.set(id, d)
      } else byId.delete(id)
    }
    this.items = [...byId.values()].sort((a, b) => a.opened_at.localeCompare(b.opened_at) || a.id.localeCompare(b.id))
    return change
  }

  /** A step's answer (the dispute as it now is) without waiting for its event. */
  put(d: Dispute) {
    this.merge(new Map([[d.id, d]]))
  }
}

export const isActive = (d: Pick<Dispute, 'state'>) => ACTIVE.includes(d.state)
/** Overdue as of `now` (the server's flag is as of when it answered). */
export const isOverdue = (d: Pick<Dispute, 'state' | 'due_at'>, now: number) => isActive(d) && now >= Date.parse(d.due_at)
