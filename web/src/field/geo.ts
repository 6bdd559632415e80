import type { Here, Ticket } from './types'

const R = 6_371_000

/** Great-circle distance in metres: plenty for "which ticket is nearest" within a regency. */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)))
}

export function formatDistance(m: number, lang: string): string {
  if (m < 1000) return `${Math.round(m / 10) * 10} m`
  const km = m < 10_000 ? (m / 1000).toFixed(1) : String(Math.round(m / 1000))
  return `${lang === 'en' ? km : km.replace('.', ',')} km`
}

/** Not yet handed to a field team by the command center: the team can only look at it. */
export const awaitingDispatch = (status: string) => status === 'new' || status === 'verified' || status === 'field_check' || status === 'waiting_reporter'

/** The same team however it was typed (teams are free text): trimmed, in any letter case, otherwise exact. */
export function sameTeam(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a?.trim().toLowerCase() ?? ''
  return x !== '' && x === (b?.trim().toLowerCase() ?? '')
}

/**
 * The tickets dispatched to the officer's own team first, then the others the agency can work
 * on, and those still awaiting dispatch last; within each, emergencies, then by priority (1 is
 * the most urgent), then the nearest.
 */
export function byUrgencyThenDistance(here: Here | null, myTeam: string | null = null) {
  const tier = (t: Ticket) => (awaitingDispatch(t.status) ? 2 : sameTeam(t.field_team, myTeam) ? 0 : 1)
  return (a: Ticket, b: Ticket) => {
    const ta = tier(a)
    const tb = tier(b)
    if (ta !== tb) return ta - tb
    if (a.is_emergency !== b.is_emergency) return a.is_emergency ? -1 : 1
    if (a.priority !== b.priority) return a.priority - b.priority
    if (here) return distanceM(here, a.location) - distanceM(here, b.location)
    return a.created_at.localeCompare(b.created_at)
  }
}

const coord = (v: number) => v.toFixed(6)

/** Turn-by-turn in Google Maps (web or app), from wherever the tablet is. */
export function googleMapsUrl(to: { lat: number; lon: number }): string {
  return `https://www.google.com/maps/dir/?api=1&destination=${coord(to.lat)},${coord(to.lon)}&travelmode=driving`
}

/** The tablet's own map app (Android answers geo: URIs). */
export function geoUri(to: { lat: number; lon: number }, label: string): string {
  return `geo:${coord(to.lat)},${coord(to.lon)}?q=${coord(to.lat)},${coord(to.lon)}(${encodeURIComponent(label)})`
}
