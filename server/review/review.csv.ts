import { stringify } from 'csv-stringify/sync'
import { wib } from '../tickets/ticket.export.js'
import type { ReviewData } from './review.service.js'

const v = (x: number | string | null | undefined) => (x === null || x === undefined ? '' : x)

/**
 * The periodic report's figures as one CSV of sections. Every row starts with its section's
 * name (so a spreadsheet filter shows one table) and each section begins with its own header
 * row. Times in WIB; durations in minutes; shares from 0 to 1.
 */
export function reportCsv(d: ReviewData): string {
  const rows: (string | number)[][] = []
  const section = (name: string, header: string[], body: (string | number | null)[][]) => {
    rows.push([name, ...header])
    for (const r of body) rows.push([name, ...r.map(v)])
  }
  const t = d.totals
  section('period', ['key', 'from', 'to', 'generated_at'], [[d.window.key, wib(new Date(d.window.from)), wib(new Date(d.window.to)), wib(new Date(d.generated_at))]])
  section('summary', ['metric', 'value'], [
    ['reports', t.reports],
    ['reports_previous_period', t.reports_previous],
    ['previous_period_has_data', String(t.previous_covered)],
    ['tickets', t.tickets],
    ['resolved', t.resolved],
    ['backlog', t.backlog],
    ['breached', t.breached],
    ['response_p50_min', t.response_p50_min],
    ['resolve_p50_min', t.resolve_p50_min],
    ['share_within_sla', t.share_within_sla],
    ['rating_mean', t.rating_mean],
    ['ratings', t.ratings],
  ])
  section(
    'agencies',
    ['agency_code', 'agency_name', 'received', 'resolved', 'backlog', 'breached', 'response_p50_min', 'response_p90_min', 'resolve_p50_min', 'resolve_p90_min', 'share_within_sla', 'rating_mean', 'ratings', 'skm_index', 'skm_grade', 'skm_respondents'],
    d.agencies.map((a) => [
      a.code, a.name, a.received, a.resolved, a.backlog, a.breached, a.response_p50_min, a.response_p90_min, a.resolve_p50_min, a.resolve_p90_min,
      a.share_within_sla, a.rating_mean, a.ratings, a.skm_index, a.skm_grade, a.skm_respondents,
    ]),
  )
  section(
    'channels',
    ['channel', 'reports', 'tickets', 'resolved', 'late', 'rejected', 'rejected_hoax', 'rejected_prank'],
    d.channels.map((c) => [c.channel, c.reports, c.tickets, c.resolved, c.late, c.rejected, c.rejected_hoax, c.rejected_prank]),
  )
  section('categories', ['category_code', 'category_name', 'reports', 'reports_previous_period'], d.categories.map((c) => [c.code, c.name, c.count, c.previous]))
  section(
    'regions',
    ['rank', 'region_code', 'region_name', 'kecamatan', 'reports', 'per_km2', 'reports_previous_period', 'change'],
    d.ranking.map((r) => [r.rank, r.code, r.name, r.parent_name, r.count, r.per_km2, r.previous, r.change]),
  )
  section(
    'hotspots',
    ['rank', 'id', 'reports', 'centre_lat', 'centre_lon', 'main_category', 'regions', 'trend', 'previous_period'],
    d.hotspots.features.map((h, i) => [
      i + 1, h.id, h.properties.count, h.properties.centre[1], h.properties.centre[0], h.properties.categories[0]?.code ?? null,
      h.properties.regions.map((r) => r.name).join('; '), h.properties.trend.direction, h.properties.trend.previous,
    ]),
  )
  section(
    'daily',
    ['day', 'category_code', 'reports'],
    d.trend.categories.flatMap((s) => s.counts.map((n, i) => [d.trend.days[i]!, s.code, n] as (string | number)[]).filter((r) => r[2] !== 0)),
  )
  return stringify(rows)
}
