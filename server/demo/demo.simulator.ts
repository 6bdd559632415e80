import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { ReportInput } from '../reports/report.schema.js'
import { burstAt, burstTimes, BURSTS_PER_DAY, DEMO_PER_DAY, plannedBursts, rateAt, rhythmTimes, type Burst } from './demo.rhythm.js'
import { rng, type Rng } from './random.js'

// Posts realistic reports through the public intake path, as a channel would.

const CHANNELS = [
  ['whatsapp', 72], ['call_center', 12], ['lapor', 7], ['app', 5], ['web', 2], ['field', 2],
] as const
const CATEGORIES = [
  ['jalan_rusak', 18], ['sampah', 14], ['banjir', 10], ['drainase', 8], ['penerangan_jalan', 7], ['listrik_padam', 7],
  ['air_bersih', 6], ['pohon_tumbang', 5], ['kemacetan', 5], ['ketertiban', 5], ['pelayanan_publik', 4], ['kebakaran', 3],
  ['kecelakaan', 3], ['darurat_medis', 2], ['keamanan', 2], ['sosial', 2], ['kesehatan', 2], ['tata_ruang', 1], ['lainnya', 1],
] as const
const DESCRIPTIONS: Record<string, string[]> = {
  jalan_rusak: ['Jalan berlubang besar, membahayakan pengendara motor', 'Aspal rusak dan retak sepanjang jalan', 'Lubang jalan tergenang air'],
  sampah: ['Sampah menumpuk belum diangkut tiga hari', 'TPS liar di pinggir jalan, bau menyengat', 'Sampah dibuang ke sungai'],
  banjir: ['Banjir setinggi lutut, warga butuh bantuan', 'Genangan air tidak surut sejak pagi', 'Air meluap ke rumah warga'],
  drainase: ['Saluran air tersumbat', 'Gorong-gorong mampet, air meluap ke jalan'],
  penerangan_jalan: ['Lampu jalan mati, gelap dan rawan', 'PJU padam sudah seminggu'],
  listrik_padam: ['Listrik padam sejak sore', 'Tiang listrik miring, kabel menjuntai'],
  air_bersih: ['Air PDAM tidak mengalir dua hari', 'Pipa PDAM bocor di depan rumah'],
  pohon_tumbang: ['Pohon tumbang menutup jalan', 'Pohon besar rawan tumbang'],
  kemacetan: ['Macet parah di persimpangan, lampu lalu lintas mati', 'Parkir liar menyebabkan kemacetan'],
  ketertiban: ['PKL berjualan di trotoar', 'Bangunan liar di bantaran sungai'],
  kebakaran: ['Kebakaran rumah, api membesar', 'Asap tebal dari gudang'],
  kecelakaan: ['Kecelakaan motor, korban butuh pertolongan', 'Tabrakan mobil di tikungan'],
  darurat_medis: ['Warga pingsan, butuh ambulans', 'Ibu hamil butuh bantuan segera'],
}

export interface Cluster {
  lon: number
  lat: number
  category: string
  radiusM: number
}

interface Area {
  code: string
  name: string
  parent_name: string | null
  neighbours: string[]
  points: [number, number][]
}

export interface SimulatorOptions {
  /** Reports a day on average, by the daily rhythm, with bursts (the default). */
  perDay?: number
  /** Set: a steady stream of this many reports a second instead (load demos); 0: no live reports. */
  ratePerSecond?: number
  post: (input: ReportInput) => Promise<void>
  seed?: number
  onError?: (err: unknown) => void
}

/** Loads the smallest regions we have with a pool of random points inside each and their neighbours. */
async function loadAreas(db: Kysely<Database>, seed: number): Promise<Area[]> {
  const res = await sql<{ code: string; name: string; parent_name: string | null; neighbours: string[] | null; pts: string }>`
    WITH lvl AS (
      SELECT level FROM regions GROUP BY level
      ORDER BY CASE level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END LIMIT 1
    ), areas AS (SELECT r.* FROM regions r JOIN lvl ON r.level = lvl.level ORDER BY r.code LIMIT 400)
    SELECT a.code, a.name, p.name AS parent_name,
      (SELECT array_agg(b.name ORDER BY b.code) FROM areas b WHERE b.code <> a.code AND ST_DWithin(a.geom, b.geom, 0.0005)) AS neighbours,
      ST_AsGeoJSON(ST_GeneratePoints(a.geom, 40, ${seed})) AS pts
    FROM areas a LEFT JOIN regions p ON p.code = a.parent_code`.execute(db)
  return res.rows.map((r) => ({
    code: r.code,
    name: r.name,
    parent_name: r.parent_name,
    neighbours: r.neighbours ?? [],
    points: (JSON.parse(r.pts) as { coordinates: [number, number][] }).coordinates,
  }))
}

const FIRST = ['Budi', 'Siti', 'Agus', 'Dewi', 'Rudi', 'Sri', 'Andi', 'Nur', 'Eko', 'Rina', 'Dedi', 'Yanti', 'Asep', 'Euis']
const LAST = ['Santoso', 'Rahayu', 'Hidayat', 'Lestari', 'Saputra', 'Wulandari', 'Nugraha', 'Kurniawan', 'Permana', 'Sulastri']

function claimFor(r: Rng, area: Area): string | undefined {
  const roll = r.next()
  if (roll < 0.06) return undefined
  // About one report in ten is tagged to a neighbouring kelurahan, as lurah describe.
  if (roll < 0.16 && area.neighbours.length) return r.pick(area.neighbours)
  const forms = [area.code, area.name, `Kel. ${area.name}`, area.name.toUpperCase(), `Desa ${area.name}`]
  return r.pick(forms)
}

function jitter(r: Rng, lon: number, lat: number, radiusM: number): [number, number] {
  const d = (radiusM * Math.sqrt(r.next())) / 111_320
  const a = r.next() * 2 * Math.PI
  return [lon + (d * Math.cos(a)) / Math.cos((lat * Math.PI) / 180), lat + d * Math.sin(a)]
}

export class DemoSimulator {
  private areas: Area[] = []
  private clusters: Cluster[] = []
  private timer: NodeJS.Timeout | null = null
  private burstTimer: NodeJS.Timeout | null = null
  private readonly burstPosts = new Set<NodeJS.Timeout>()
  private readonly r: Rng
  /**
   * Draws of when reports come, apart from those of what and where: how many draws a time takes
   * depends on the hour of day, so with one stream the same seed gave another map at each hour
   * (a wall test passed at 15:00 and failed at 03:00). Now a seed is the same places and words at
   * any hour.
   */
  private readonly when: Rng
  private n = 0

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: SimulatorOptions,
  ) {
    const seed = opts.seed ?? Date.now() % 1e9
    this.r = rng(seed)
    this.when = rng(seed ^ 0x5bd1e995)
  }

  async init(): Promise<boolean> {
    this.areas = await loadAreas(this.db, this.r.int(1, 1e6))
    if (this.areas.length === 0) return false
    // A few growing problem spots so that incidents and hotspots have something to find.
    this.clusters = Array.from({ length: 4 }, () => {
      const area = this.r.pick(this.areas)
      const [lon, lat] = this.r.pick(area.points)
      const category = this.r.pick(['jalan_rusak', 'banjir', 'sampah', 'listrik_padam'])
      return { lon, lat, category, radiusM: category === 'jalan_rusak' ? 40 : 250 }
    })
    return true
  }

  get perDay(): number {
    return this.opts.perDay ?? DEMO_PER_DAY
  }

  /** Where a burst happens: a point somewhere in the area, with the burst's reach. */
  placeBurst(b: Burst): Cluster {
    const [lon, lat] = this.r.pick(this.r.pick(this.areas).points)
    return { lon, lat, category: b.category, radiusM: b.radiusM }
  }

  /** One report: of a burst when given, else from a growing cluster about a third of the time, otherwise anywhere. */
  next(reportedAt?: Date, burst?: Cluster): ReportInput {
    const r = this.r
    let lon: number, lat: number, category: string
    if (burst) {
      ;[lon, lat] = jitter(r, burst.lon, burst.lat, burst.radiusM)
      category = burst.category
    } else if (r.next() < 0.35 && this.clusters.length) {
      const c = r.pick(this.clusters)
      ;[lon, lat] = jitter(r, c.lon, c.lat, c.radiusM)
      category = c.category
    } else {
      const area = r.pick(this.areas)
      ;[lon, lat] = r.pick(area.points)
      category = r.weighted(CATEGORIES)
    }
    const area = this.nearestArea(lon, lat)
    const priv = r.next() < 0.2
    const input: ReportInput = {
      channel: r.weighted(CHANNELS),
      external_id: `demo-${Date.now().toString(36)}-${(this.n++).toString(36)}-${r.int(0, 1e9).toString(36)}`,
      category,
      description: r.pick(DESCRIPTIONS[category] ?? ['Mohon ditindaklanjuti']),
      location: { lat, lon, accuracy_m: r.int(5, 40) },
      reporter: { name: `${r.pick(FIRST)} ${r.pick(LAST)}`, phone: `+62 812 ${r.int(1000, 9999)} ${r.int(1000, 9999)}`, private: priv },
    }
    const claim = area ? claimFor(r, area) : undefined
    if (claim) input.claimed_region = claim
    if (reportedAt) input.reported_at = reportedAt.toISOString()
    return input
  }

  private nearestArea(lon: number, lat: number): Area | undefined {
    let best: Area | undefined
    let bestD = Infinity
    for (const a of this.areas) {
      for (const [x, y] of a.points) {
        const d = (x - lon) ** 2 + (y - lat) ** 2
        if (d < bestD) {
          bestD = d
          best = a
        }
      }
    }
    return best
  }

  /**
   * Fills the past days so the map is not empty on the first start: `count` reports (default:
   * the live rate's, `perDay` a day) by the same daily rhythm, and the same bursts, as the live
   * stream, so the week's trend runs on into today without a step. Returns the reports posted.
   */
  async backfill(count?: number, days = 7, now = Date.now()): Promise<number> {
    const from = now - days * 86_400_000
    const posts: [number, Cluster | undefined][] = rhythmTimes(this.when, count ?? Math.round(this.perDay * days), from, now).map((t) => [t, undefined])
    if (count === undefined)
      for (const b of plannedBursts(this.when, from, now)) {
        const place = this.placeBurst(b)
        for (const t of burstTimes(this.when, b, now)) posts.push([t, place])
      }
    posts.sort((a, b) => a[0] - b[0])
    for (const [t, place] of posts) await this.opts.post(this.next(new Date(t), place))
    return posts.length
  }

  /** A burst that has happened: its reports, of one kind about one place, at their times (tests and demos that need a hotspot). */
  async pastBurst(b: Burst, now = Date.now()): Promise<number> {
    const place = this.placeBurst(b)
    const times = burstTimes(this.when, b, now)
    for (const t of times) await this.opts.post(this.next(new Date(t), place))
    return times.length
  }

  start(): void {
    const load = this.opts.ratePerSecond
    if (load === 0 || this.perDay <= 0) return
    const post = (place?: Cluster) => this.opts.post(this.next(undefined, place)).catch((e) => this.opts.onError?.(e))
    const tick = () => {
      // Poisson arrivals: exponential gaps around the rate of the moment. A long gap is cut
      // short and drawn again (arrivals have no memory), so the morning rise is not slept through.
      const rate = load ?? rateAt(this.perDay, Date.now())
      const gap = (-Math.log(1 - this.when.next()) / rate) * 1000
      const cap = 5 * 60_000
      this.timer = setTimeout(() => {
        if (gap <= cap) void post()
        tick()
      }, Math.min(gap, cap))
      this.timer.unref()
    }
    tick()
    if (load !== undefined) return
    // Every ten minutes, a chance of a flood, a fire or a fallen tree that many people report.
    const every = 10 * 60_000
    this.burstTimer = setInterval(() => {
      const now = Date.now()
      if (this.when.next() >= (BURSTS_PER_DAY * every * rateAt(1, now)) / 1000) return
      const b = burstAt(this.when, now)
      const place = this.placeBurst(b)
      for (const t of burstTimes(this.when, b)) {
        const h = setTimeout(() => {
          this.burstPosts.delete(h)
          void post(place)
        }, t - now)
        h.unref()
        this.burstPosts.add(h)
      }
    }, every)
    this.burstTimer.unref()
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.burstTimer) clearInterval(this.burstTimer)
    for (const h of this.burstPosts) clearTimeout(h)
    this.burstPosts.clear()
    this.timer = null
    this.burstTimer = null
  }
}
