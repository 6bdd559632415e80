import type { HotspotFeature } from '../../../server/hotspots/hotspot.service'
import type { DisputeView } from '../../../server/disputes/dispute.view'
import type { ResponseStatsRow } from '../../../server/stats/stats.repository'
import type { WallSummary } from '../../../server/wall/wall.routes'
import { getJson } from '../lib/api'
import type { LiveEvent } from '../lib/live.svelte'
import { serverNow } from '../lib/server-clock'

/**
 * Runs `fn` at most once per `ms`: a burst of events becomes one refetch now and one at the
 * end of the burst, never a request per event.
 */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  return () => {
    const wait = last + ms - Date.now()
    if (wait <= 0) {
      last = Date.now()
      fn()
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null
        last = Date.now()
        fn()
      }, wait)
    }
  }
}

/** A refetch while the server is away fails; the live indicator already says so, and the resync reloads. */
const ignoreWhileDown = () => {}

const touchesTickets = (e: string) => e.startsWith('ticket.') || e.startsWith('incident.') || e === 'report.created'

/** The header figures: refetched when tickets change (at most every 3 s) and every minute (time moves SLAs). */
export class SummaryData {
  value = $state<WallSummary | null>(null)
  updatedAt = $state<number | null>(null)
  refresh = throttle(() => void this.load().catch(ignoreWhileDown), 3000)

  async load(): Promise<number> {
    const s = await getJson<WallSummary>('/api/wall/summary')
    this.value = s
    this.updatedAt = Date.now()
    return s.seq
  }

  apply(batch: readonly LiveEvent[]) {
    if (batch.some((e) => touchesTickets(e.event))) this.refresh()
  }
}

export class HotspotsData {
  features = $state.raw<HotspotFeature[]>([])
  loaded = $state(false)
  computedAt = $state<string | null>(null)
  refresh = throttle(() => void this.load().catch(ignoreWhileDown), 5000)
  constructor(readonly window: string) {}

  async load() {
    const fc = await getJson<{ computed_at: string; features: HotspotFeature[] }>(`/api/hotspots?window=${this.window}`)
    this.features = [...fc.features].sort((a, b) => b.properties.count - a.properties.count)
    this.computedAt = fc.computed_at
    this.loaded = true
  }

  apply(batch: readonly LiveEvent[]) {
    // The event is a summary; the outlines come from the API. Not loaded yet: the scene loads it when shown.
    if (this.loaded && batch.some((e) => e.event === 'hotspots.updated' && (e.data as { window?: string } | null)?.window === this.window)) this.refresh()
  }
}

export interface AgencyRow {
  code: string
  name: string
  backlog: number
  received: number
  breached: number
  response_p50_min: number | null
}

/** Agency response over the last 7 days: the kelurahan heatmap and the agency table. */
export class HeatData {
  values = $state.raw(new Map<string, { received: number; breached: number; p50: number | null }>())
  agencies = $state.raw<AgencyRow[]>([])
  /**
   * The period's totals from the same query the review's key figures come from (group=none:
   * tickets without an agency count too), so the wall's shares equal the review's for the last 7 days.
   */
  totals = $state.raw<Pick<ResponseStatsRow, 'received' | 'breached' | 'resolved' | 'resolved_within_sla' | 'share_within_sla'> | null>(null)
  loaded = $state(false)
  refresh = throttle(() => void this.load().catch(ignoreWhileDown), 10_000)
  private names: Map<string, string> | null = null

  async load() {
    const from = new Date(serverNow() - 7 * 86_400_000).toISOString()
    const q = `from=${encodeURIComponent(from)}`
    if (!this.names) {
      const a = await getJson<{ agencies: { code: string; short_name: string }[] }>('/api/agencies')
      this.names = new Map(a.agencies.map((x) => [x.code, x.short_name]))
    }
    const [heat, stats, all] = await Promise.all([
      getJson<{ regions: string[]; received: number[]; breached: number[]; response_p50_min: (number | null)[] }>(`/api/stats/heatmap?${q}&level=kelurahan`),
      getJson<{ rows: ResponseStatsRow[] }>(`/api/stats/response?${q}&group=agency`),
      getJson<{ rows: ResponseStatsRow[] }>(`/api/stats/response?${q}&group=none`),
    ])
    this.values = new Map(heat.regions.map((code, i) => [code, { received: heat.received[i]!, breached: heat.breached[i]!, p50: heat.response_p50_min[i] ?? null }]))
    const rows = stats.rows.filter((r) => r.agency_code !== null && (r.backlog > 0 || r.received > 0))
    this.agencies = rows
      .map((r) => ({ code: r.agency_code!, name: this.names?.get(r.agency_code!) ?? r.agency_code!, backlog: r.backlog, received: r.received, breached: r.breached, response_p50_min: r.response_p50_min }))
      .sort((a, b) => b.backlog - a.backlog || b.received - a.received)
    const t = all.rows[0]
    this.totals = { received: t?.received ?? 0, breached: t?.breached ?? 0, resolved: t?.resolved ?? 0, resolved_within_sla: t?.resolved_within_sla ?? 0, share_within_sla: t?.share_within_sla ?? null }
    this.loaded = true
  }

  apply(batch: readonly LiveEvent[]) {
    if (this.loaded && batch.some((e) => e.event.startsWith('ticket.'))) this.refresh()
  }
}

const ACTIVE = new Set(['open', 'proposed'])

/** Active location disputes, merged per dispute from dispute.* events. */
export class DisputesData {
  byId = $state.raw(new Map<string, DisputeView>())
  loaded = $state(false)

  async load(): Promise<number> {
    const r = await getJson<{ seq: number; disputes: DisputeView[] }>('/api/disputes?state=active&limit=1000')
    this.byId = new Map(r.disputes.map((d) => [d.id, d]))
    this.loaded = true
    return r.seq
  }

  apply(batch: readonly LiveEvent[]) {
    let next: Map<string, DisputeView> | null = null
    for (const e of batch) {
      if (!e.event.startsWith('dispute.')) continue
      const d = (e.data as { dispute?: DisputeView } | null)?.dispute
      if (!d?.id) continue
      next ??= new Map(this.byId)
      if (ACTIVE.has(d.state)) next.set(d.id, d)
      else next.delete(d.id)
    }
    if (next) this.byId = next
  }
}
