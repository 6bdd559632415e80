import type { Deps } from '../http/context.js'
import { hotspotIntervalMs, staleAfterMs } from '../hotspots/hotspot.scheduler.js'
import { computeHotspots, currentSet, type HotspotFeature } from '../hotspots/hotspot.service.js'
import { rankRegions } from '../hotspots/ranking.repository.js'
import type { SkmGrade } from '../ratings/skm.js'
import { ratingStats, responseStats, type ResponseStatsRow } from '../stats/stats.repository.js'
import { agencyNames, categoryCounts, channelCounts, countReports, dailyByCategory, firstReportAt, dailyByKecamatan, skmByAgency, type ChannelCount, type DailyRow } from './review.repository.js'
import type { ReviewWindow } from './review.schema.js'

export interface AgencyFigures {
  code: string
  short_name: string
  name: string
  name_en: string
  received: number
  resolved: number
  backlog: number
  breached: number
  /** Open tickets red now (JAKI: six days without a response). */
  red: number
  response_p50_min: number | null
  response_p90_min: number | null
  resolve_p50_min: number | null
  resolve_p90_min: number | null
  /** Resolved within the SLA, of those resolved (0..1). */
  share_within_sla: number | null
  rating_mean: number | null
  ratings: number
  skm_index: number | null
  skm_grade: SkmGrade | null
  skm_respondents: number
}

export interface Series {
  code: string
  name: string
  name_en: string
  color: string
  counts: number[]
  total: number
}

export interface RankedRegion {
  rank: number
  code: string
  name: string
  parent_name: string | null
  area_km2: number
  count: number
  per_km2: number
  previous: number
  change: number
}

/**
 * Everything the review screen and the periodic report show for one window. No reporter
 * appears anywhere in it: figures, places and categories only.
 */
export interface ReviewData {
  window: { key: string; from: string; to: string }
  generated_at: string
  totals: {
    reports: number
    reports_previous: number
    /** False when the stored reports do not reach back to the previous period's start: the change says nothing. */
    previous_covered: boolean
    tickets: number
    resolved: number
    backlog: number
    breached: number
    /** Open tickets red now (JAKI: six days without a response). */
    red: number
    response_p50_min: number | null
    resolve_p50_min: number | null
    share_within_sla: number | null
    rating_mean: number | null
    ratings: number
  }
  agencies: AgencyFigures[]
  /** Reports per channel received in the window, with their tickets' outcome (late, rejected as hoax or prank). */
  channels: ChannelCount[]
  categories: { code: string; name: string; name_en: string; color: string; count: number; previous: number }[]
  /** Reports per WIB day (YYYY-MM-DD), per category and per kecamatan: the biggest, the rest together. */
  trend: { days: string[]; categories: Series[]; regions: Series[] }
  ranking: RankedRegion[]
  hotspots: { window: { key: string; from: string; to: string }; features: HotspotFeature[] }
}

const TOP_SERIES = 6
const OTHERS_COLOR = '#8e8e93'
const REGION_COLORS = ['#4cc3ff', '#ff9f0a', '#30d158', '#ff453a', '#bf5af2', '#ffd60a']
const dayKey = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10)
const wibDayNumber = (d: Date) => Math.floor((d.getTime() + 7 * 3_600_000) / 86_400_000)

function series(rows: DailyRow[], first: number, days: number, label: (key: string) => { name: string; name_en: string; color: string }, othersName: [string, string]): Series[] {
  const by = new Map<string, number[]>()
  for (const r of rows) {
    const k = r.key ?? ''
    const arr = by.get(k) ?? new Array<number>(days).fill(0)
    const i = r.day - first
    if (i >= 0 && i < days) arr[i]! += r.n
    by.set(k, arr)
  }
  const all = [...by.entries()].map(([code, counts]) => ({ code, counts, total: counts.reduce((a, b) => a + b, 0) }))
  all.sort((a, b) => b.total - a.total || a.code.localeCompare(b.code))
  const top = all.filter((s) => s.code !== '').slice(0, TOP_SERIES)
  const rest = all.filter((s) => !top.includes(s))
  const out: Series[] = top.map((s, i) => ({ ...s, ...label(s.code), color: label(s.code).color || REGION_COLORS[i % REGION_COLORS.length]! }))
  if (rest.length) {
    const counts = new Array<number>(days).fill(0)
    for (const s of rest) s.counts.forEach((n, i) => (counts[i]! += n))
    out.push({ code: '*', name: othersName[0], name_en: othersName[1], color: OTHERS_COLOR, counts, total: counts.reduce((a, b) => a + b, 0) })
  }
  return out
}

const pick = (r: ResponseStatsRow | undefined) => ({
  received: r?.received ?? 0,
  resolved: r?.resolved ?? 0,
  backlog: r?.backlog ?? 0,
  breached: r?.breached ?? 0,
  red: r?.red ?? 0,
  response_p50_min: r?.response_p50_min ?? null,
  response_p90_min: r?.response_p90_min ?? null,
  resolve_p50_min: r?.resolve_p50_min ?? null,
  resolve_p90_min: r?.resolve_p90_min ?? null,
  share_within_sla: r?.share_within_sla ?? null,
})

export async function buildReview(deps: Deps, w: ReviewWindow, opts: { rankingLimit?: number } = {}): Promise<ReviewData> {
  const db = deps.db.db
  const { from, to } = w
  const scope = { all: true } as const
  const prevFrom = new Date(from.getTime() - (to.getTime() - from.getTime()))
  const firstDay = wibDayNumber(from)
  const days = Math.max(1, wibDayNumber(new Date(to.getTime() - 1)) - firstDay + 1)

  const hotspotSet =
    w.hotspots.key === 'range'
      ? computeHotspots(db, w.hotspots, { byCategory: false })
      : currentSet(deps, w.hotspots.key, staleAfterMs(hotspotIntervalMs(deps.config)))
  const [total, byAgency, ratings, skm, names, cats, catalogue, daily, dailyKec, reports, reportsPrev, ranking, hotspots, channels, first] = await Promise.all([
    responseStats(db, { from, to, scope }, 'none', 'kelurahan'),
    responseStats(db, { from, to, scope }, 'agency', 'kelurahan'),
    ratingStats(db, { from, to }),
    skmByAgency(db, from, to),
    agencyNames(db),
    categoryCounts(db, from, to),
    deps.categories.all(),
    dailyByCategory(db, from, to),
    dailyByKecamatan(db, from, to),
    countReports(db, from, to),
    countReports(db, prevFrom, from),
    rankRegions(db, { key: 'range', from, to }, { level: 'kelurahan', sort: 'count', limit: opts.rankingLimit ?? 200 }),
    hotspotSet,
    channelCounts(db, from, to),
    firstReportAt(db),
  ])

  const catOf = new Map(catalogue.map((c) => [c.code, c]))
  const ratingOf = new Map(ratings.map((r) => [r.agency_code, r]))
  const statsOf = new Map(byAgency.map((r) => [r.agency_code, r]))
  const agencies: AgencyFigures[] = names
    .filter((a) => statsOf.has(a.code) || ratingOf.has(a.code) || skm.has(a.code))
    .map((a) => {
      const s = skm.get(a.code)
      const r = ratingOf.get(a.code)
      return {
        code: a.code,
        short_name: a.short_name,
        name: a.name,
        name_en: a.name_en,
        ...pick(statsOf.get(a.code)),
        rating_mean: r?.mean ?? null,
        ratings: r?.ratings ?? 0,
        skm_index: s?.index ?? null,
        skm_grade: s?.grade ?? null,
        skm_respondents: s?.respondents ?? 0,
      }
    })
    .sort((a, b) => b.received - a.received || a.code.localeCompare(b.code))

  const allRatings = ratings.reduce((a, r) => a + r.ratings, 0)
  const ratingSum = ratings.reduce((a, r) => a + r.mean * r.ratings, 0)
  const t = pick(total[0])
  const catLabel = (code: string) => {
    const c = catOf.get(code)
    return { name: c?.name_id ?? code, name_en: c?.name_en ?? code, color: c?.color ?? OTHERS_COLOR }
  }
  const kecName = new Map(dailyKec.map((r) => [r.key ?? '', r.name ?? r.key ?? '']))
  const set = await hotspotSet
  return {
    window: { key: w.key, from: from.toISOString(), to: to.toISOString() },
    generated_at: new Date().toISOString(),
    totals: {
      reports,
      reports_previous: reportsPrev,
      // A day's leeway: "the last 7 days" starts at this time of day, the data at some hour of a day.
      previous_covered: first !== null && first.getTime() <= prevFrom.getTime() + 86_400_000,
      tickets: t.received,
      resolved: t.resolved,
      backlog: t.backlog,
      breached: t.breached,
      red: t.red,
      response_p50_min: t.response_p50_min,
      resolve_p50_min: t.resolve_p50_min,
      share_within_sla: t.share_within_sla,
      rating_mean: allRatings ? Math.round((ratingSum / allRatings) * 100) / 100 : null,
      ratings: allRatings,
    },
    agencies,
    channels,
    categories: cats.filter((c) => c.current > 0).map((c) => ({ code: c.code, ...catLabel(c.code), count: c.current, previous: c.previous })),
    trend: {
      days: Array.from({ length: days }, (_, i) => dayKey(firstDay + i)),
      categories: series(daily, firstDay, days, catLabel, ['Lainnya', 'Others']),
      regions: series(dailyKec, firstDay, days, (code) => ({ name: kecName.get(code) ?? code, name_en: kecName.get(code) ?? code, color: '' }), ['Lainnya', 'Others']),
    },
    ranking: ranking.map((r, i) => ({
      rank: i + 1,
      code: r.code,
      name: r.name,
      parent_name: r.parent_name,
      area_km2: Math.round(r.area_km2 * 1000) / 1000,
      count: r.current,
      per_km2: Math.round((r.current / Math.max(r.area_km2, 0.01)) * 100) / 100,
      previous: r.previous,
      change: r.current - r.previous,
    })),
    hotspots: { window: set.window, features: set.all },
  }
}
