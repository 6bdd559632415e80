import { bbox } from '@turf/bbox'
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon'
import type { MultiPolygon, Polygon } from 'geojson'
import { getJson } from '../lib/api'
import type { HotspotFeature, IncidentPin, TicketDetail } from './types'

/**
 * The drill-down: a hotspot, then the tickets inside its outline in the period, then one
 * ticket with its reports. Each step cancels what an earlier click was still loading.
 */
export class Drill {
  hotspot = $state<HotspotFeature | null>(null)
  incidents = $state<IncidentPin[] | null>(null)
  ticketId = $state<string | null>(null)
  ticket = $state<TicketDetail | null>(null)
  error = $state<string | null>(null)
  private token = 0

  reset() {
    this.token++
    this.hotspot = null
    this.incidents = null
    this.ticketId = null
    this.ticket = null
    this.error = null
  }

  async openHotspot(h: HotspotFeature, window: { from: string; to: string }) {
    const my = ++this.token
    this.hotspot = h
    this.incidents = null
    this.ticketId = null
    this.ticket = null
    this.error = null
    const geometry = h.geometry as Polygon | MultiPolygon // a hotspot's outline
    const q = new URLSearchParams({ bbox: bbox(geometry).join(','), from: window.from, to: window.to, limit: '500' })
    if (h.properties.category) q.set('category', h.properties.category)
    try {
      const fc = await getJson<{ features: IncidentPin[] }>(`/api/incidents?${q}`)
      if (my !== this.token) return
      this.incidents = fc.features
        .filter((f) => booleanPointInPolygon(f.geometry.coordinates, geometry))
        .sort((a, b) => b.properties.report_count - a.properties.report_count || b.properties.last_reported_at.localeCompare(a.properties.last_reported_at))
    } catch (e) {
      if (my === this.token) this.error = (e as Error).message
    }
  }

  async openTicket(id: string) {
    const my = ++this.token
    this.ticketId = id
    this.ticket = null
    this.error = null
    try {
      const t = await getJson<TicketDetail>(`/api/tickets/${id}`)
      if (my === this.token) this.ticket = t
    } catch (e) {
      if (my === this.token) this.error = (e as Error).message
    }
  }

  backToIncidents() {
    this.token++
    this.ticketId = null
    this.ticket = null
  }
}
