import { sql } from 'kysely'
import { freshDb, percentile, spawnServer, type Bench, type BenchFigure } from './lib.js'

// Whether /api/health and intake stay responsive while screens read the last 24 hours of reports
// (issue 17: at 27,000 reports one unpaged read was 11.6 MB and health's p50 went to 0.86 s).
// Health's p50 alone, then while READERS clients each load every page of
// GET /api/reports?hours=24 (SIGAP_BENCH_PAGE a page, default 1,000 as the wall asks) over and over; the figure is the
// loaded p50 over the idle one. SIGAP_BENCH_SCALE=0.1 for a quick run.

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const REPORTS = Math.max(1_000, Math.round(27_000 * SCALE))
const READERS = 4
const PROBES = Math.max(50, Math.round(300 * SCALE))
const PORT = '4791'
/** Reports a page, as the wall asks (web/src/wall/Wall.svelte). */
const PAGE = Number(process.env.SIGAP_BENCH_PAGE ?? 1000)

async function healthP50(url: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < PROBES; i++) {
    const t0 = performance.now()
    const res = await fetch(`${url}/api/health`)
    await res.arrayBuffer()
    times.push(performance.now() - t0)
  }
  return percentile(times.sort((a, b) => a - b), 50)
}

/** Intake's p50 (one POST /api/reports at a time): a channel must still be answered while screens read. */
async function intakeP50(url: string, category: string): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < PROBES; i++) {
    const body = JSON.stringify({ channel: 'app', category, description: `Bench intake ${i}`, location: { lat: -6.56 + (i % 50) * 0.002, lon: 107.44 + (i % 7) * 0.01 } })
    const t0 = performance.now()
    const res = await fetch(`${url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    await res.arrayBuffer()
    if (res.status !== 201) throw new Error(`intake answered ${res.status}`)
    times.push(performance.now() - t0)
  }
  return percentile(times.sort((a, b) => a - b), 50)
}

/** One screen's load: every page, following `next`. Answers the bytes read. */
async function readAll(url: string): Promise<number> {
  let bytes = 0
  for (let next: string | null = `/api/reports?hours=24&limit=${PAGE}`; next; ) {
    const res: Response = await fetch(`${url}${next}`)
    const text: string = await res.text()
    bytes += text.length
    next = (JSON.parse(text) as { next: string | null }).next
  }
  return bytes
}

const bench: Bench = {
  name: 'health under report reads',
  async run(ctx) {
    const fresh = await freshDb(ctx, 'healthreads')
    try {
      await sql`
        INSERT INTO reports (channel, category_code, description, location, reported_at, received_at, reporter_name, reporter_phone)
        SELECT 'app', (SELECT code FROM categories ORDER BY code LIMIT 1), 'Laporan warga nomor ' || s,
               ST_SetSRID(ST_MakePoint(107.44 + (random() - 0.5) * 0.26, -6.56 + (random() - 0.5) * 0.22), 4326),
               now() - random() * interval '23 hours', now(), 'Warga ' || s, '0812' || lpad(s::text, 8, '0')
        FROM generate_series(1, ${REPORTS}::int) s`.execute(fresh.db.db)
      await sql`ANALYZE reports`.execute(fresh.db.db)
      const category = (await sql<{ code: string }>`SELECT code FROM categories WHERE active ORDER BY code LIMIT 1`.execute(fresh.db.db)).rows[0]!.code
      const server = await spawnServer(['bench/intake-server.ts'], { DATABASE_URL: fresh.url, PORT, SIGAP_LOG: 'error', SIGAP_DEMO: '0' })
      try {
        await healthP50(server.url) // warm
        const bytes = await readAll(server.url)
        ctx.log(`${REPORTS} reports, ${(bytes / 1e6).toFixed(1)} MB over every page`)
        await intakeP50(server.url, category) // warm
        const idle = await healthP50(server.url)
        const intakeIdle = await intakeP50(server.url, category)
        let stop = false
        let reads = 0
        const readers = Array.from({ length: READERS }, async () => {
          while (!stop) {
            await readAll(server.url)
            reads++
          }
        })
        const loaded = await healthP50(server.url)
        const intakeLoaded = await intakeP50(server.url, category)
        stop = true
        await Promise.all(readers)
        const figures: BenchFigure[] = [
          {
            name: `health p50 with ${READERS} screens reading 24 h of reports`,
            value: loaded,
            unit: 'ms',
            baseline: { name: 'health p50 idle', value: idle, unit: 'ms' },
            ratio: loaded / idle,
            note: `${reads} full reads meanwhile`,
          },
          {
            name: `intake p50 (one POST at a time) with ${READERS} screens reading`,
            value: intakeLoaded,
            unit: 'ms',
            baseline: { name: 'intake p50 idle', value: intakeIdle, unit: 'ms' },
            ratio: intakeLoaded / intakeIdle,
          },
        ]
        return figures
      } finally {
        await server.close()
      }
    } finally {
      await fresh.close()
    }
  },
}
export default bench
