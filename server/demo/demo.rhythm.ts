import type { Rng } from './random.js'

/**
 * When reports come in a regency that works: few at night, most in the morning and early
 * afternoon (people on their way, offices open), a second rise after work, and now and then a
 * burst when a flood, a fire or a fallen tree makes many people report the same thing at once.
 * Weights per hour of the day in WIB; their mean is 1, so `perDay` stays the daily total.
 */
const HOURLY_RAW = [0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 1.8, 1.9, 1.8, 1.6, 1.4, 1.5, 1.5, 1.4, 1.3, 1.2, 1.3, 1.3, 1.1, 0.8, 0.5, 0.3]
const MEAN = HOURLY_RAW.reduce((s, w) => s + w, 0) / 24
export const HOURLY = HOURLY_RAW.map((w) => w / MEAN)
const PEAK = Math.max(...HOURLY)
const WIB_MS = 7 * 3_600_000
const DAY_MS = 86_400_000

/** The default: a busy regency's complaints a day, all channels together (Purwakarta logged about 1,100 a year). */
export const DEMO_PER_DAY = 40
/** Bursts (many reports of one event in one place) a day on average, on top of `perDay`. */
export const BURSTS_PER_DAY = 1.2

export const hourWib = (t: number) => Math.floor(((t + WIB_MS) % DAY_MS) / 3_600_000)

/** Reports per second expected at time `t` (ms), for `perDay` reports a day. */
export function rateAt(perDay: number, t: number): number {
  return (perDay / 86_400) * HOURLY[hourWib(t)]!
}

/** `count` report times between `from` and `to` (ms), spread by the hour of the day, sorted. */
export function rhythmTimes(r: Rng, count: number, from: number, to: number): number[] {
  const out: number[] = []
  while (out.length < count) {
    const t = from + r.next() * (to - from)
    if (r.next() * PEAK <= HOURLY[hourWib(t)]!) out.push(t)
  }
  return out.sort((a, b) => a - b)
}

export interface Burst {
  /** When the first report of the burst arrives (ms). */
  at: number
  category: string
  /** Reports of the burst, arriving over `spreadMin` minutes. */
  size: number
  spreadMin: number
  radiusM: number
}

const BURST_KINDS = [
  ['banjir', 5, 300],
  ['kebakaran', 3, 120],
  ['pohon_tumbang', 2, 60],
  ['kecelakaan', 2, 60],
  ['listrik_padam', 2, 400],
] as const

/** One burst starting at `at`: its kind, size and spread. */
export function burstAt(r: Rng, at: number): Burst {
  const [category, radiusM] = r.weighted(BURST_KINDS.map(([c, w, m]) => [[c, m] as const, w] as const))
  return { at, category, size: r.int(4, category === 'banjir' ? 14 : 8), spreadMin: r.int(15, 60), radiusM }
}

/** The bursts between `from` and `to`, by day more than by night. */
export function plannedBursts(r: Rng, from: number, to: number): Burst[] {
  const n = Math.round(((to - from) / DAY_MS) * BURSTS_PER_DAY)
  return rhythmTimes(r, n, from, to).map((t) => burstAt(r, t))
}

/** The times of a burst's reports, each at most `to`. */
export function burstTimes(r: Rng, b: Burst, to = Infinity): number[] {
  return Array.from({ length: b.size }, (_, i) => b.at + (i === 0 ? 0 : r.next() * b.spreadMin * 60_000))
    .filter((t) => t <= to)
    .sort((a, b2) => a - b2)
}
