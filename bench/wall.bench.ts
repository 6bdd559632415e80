import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Browser } from 'playwright-core'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { freshDb, type Bench, type BenchFigure } from './lib.js'
import { serveTicketsGeoJson } from './wall-page/geojson-server.js'

// The wall's first render with 100,000 open tickets in headless Chromium (SwiftShader, no
// GPU): bytes transferred and time to the first frame showing the pins, for the typed-array
// block the wall reads (GET /api/wall/tickets.bin, drawn by the wall's own ticket layer) beside
// the same tickets as plain GeoJSON drawn from an object per pin, on the same page
// (bench/wall-page: the wall's map with its ticket pins alone), same run. The GeoJSON and its
// drawing live only here (bench/wall-page/), not in the product.
// SIGAP_BENCH_SCALE=0.1 for a quick run.

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const N = Math.max(5_000, Math.round(100_000 * SCALE))
const RUNS = 3

/** Open tickets spread over the demo regency, categories in turn, report counts skewed low like real ones. */
async function insertTickets(db: Parameters<typeof seedDemoArea>[0], n: number) {
  await sql`SELECT setseed(0.17)`.execute(db)
  await sql`
    WITH cats AS (SELECT array_agg(code ORDER BY code) AS a FROM categories),
    g AS (SELECT s, (SELECT a FROM cats)[1 + s % (SELECT cardinality(a) FROM cats)] AS code,
                 now() - random() * interval '10 days' AS created FROM generate_series(1, ${n}::int) s)
    INSERT INTO incidents (category_code, location, report_count, channels, first_reported_at, last_reported_at, created_at, status,
      agency_code, routed_at, priority, is_emergency, response_due_at, resolve_due_at)
    SELECT g.code, ST_SetSRID(ST_MakePoint(107.44 + (random() - 0.5) * 0.26, -6.56 + (random() - 0.5) * 0.22), 4326),
           1 + floor(random() ^ 4 * 30)::int, '{app}', g.created, g.created, g.created,
           (ARRAY['new', 'verified', 'dispatched', 'in_progress'])[1 + g.s % 4], c.agency_code, g.created, c.priority, c.is_emergency,
           g.created + c.sla_response_minutes * interval '1 minute', g.created + c.sla_resolve_minutes * interval '1 minute'
    FROM g JOIN categories c ON c.code = g.code`.execute(db)
  await sql`ANALYZE incidents`.execute(db)
}

interface Load {
  firstFrameMs: number
  /** When the ticket data had fully arrived, from navigation start (the rest is parsing and drawing). */
  dataMs: number
  totalBytes: number
  ticketBytes: number
}

async function loadOnce(browser: Browser, url: string, n: number): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
  const urls = new Map<string, string>()
  let totalBytes = 0
  let ticketBytes = 0
  let dataAt = 0
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url))
  cdp.on('Network.loadingFinished', (e) => {
    totalBytes += e.encodedDataLength
    if (/\/tickets\.(bin|geojson)$/.test(urls.get(e.requestId) ?? '')) {
      ticketBytes += e.encodedDataLength
      dataAt = Date.now()
    }
  })
  const t0 = Date.now()
  await page.goto(url)
  await page.waitForFunction((want) => document.documentElement.dataset.ticketsDrawn === String(want), n, { timeout: 300_000 })
  const firstFrameMs = Number(await page.evaluate(() => document.documentElement.dataset.ticketsFirstFrameMs))
  await context.close()
  return { firstFrameMs, dataMs: dataAt - t0, totalBytes, ticketBytes }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const bench: Bench = {
  name: 'wall first render, 100,000 open tickets',
  async run(ctx) {
    const { HAVE_CHROMIUM, launchBrowser } = await import('../tests/helpers/browser.js')
    if (!HAVE_CHROMIUM) {
      ctx.log('Chromium not found: skipped (apt-get install chromium, or set CHROMIUM_PATH)')
      return []
    }
    // The bench page (bench/wall-page), built here and served by the product server in place of the screens.
    const out = mkdtempSync(join(tmpdir(), 'sigap-bench-wall-'))
    ctx.log(`building the bench page into ${out}`)
    const { build } = await import('vite')
    const { svelte } = await import('@sveltejs/vite-plugin-svelte')
    const root = join(import.meta.dirname, '..')
    await build({
      configFile: false,
      root: join(import.meta.dirname, 'wall-page'),
      plugins: [svelte({ configFile: join(root, 'svelte.config.js') })],
      logLevel: 'error',
      build: { outDir: out, emptyOutDir: true, chunkSizeWarningLimit: 4000 },
    })
    const { startServer } = await import('../server/server.js')
    const { loadConfig } = await import('../server/config.js')

    const fresh = await freshDb(ctx, 'wall')
    const figures: BenchFigure[] = []
    let browser: Browser | null = null
    let server: Awaited<ReturnType<typeof startServer>> | null = null
    let geojson: Awaited<ReturnType<typeof serveTicketsGeoJson>> | null = null
    try {
      await seedDemoArea(fresh.db.db)
      const t0 = performance.now()
      await insertTickets(fresh.db.db, N)
      ctx.log(`${N} open tickets inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      server = await startServer(
        loadConfig({ SIGAP_DEMO: '0', SIGAP_LOG: 'error', PORT: '0', SIGAP_DATA_DIR: 'memory://', SIGAP_HOTSPOT_INTERVAL_S: '0', SIGAP_WEB_DIST: out }),
        { db: fresh.db, slaIntervalMs: 3_600_000 },
      )
      geojson = await serveTicketsGeoJson(fresh.db.db)
      browser = await launchBrowser()
      const variants = { binary: `${server.url}/`, geojson: `${server.url}/?geojson=${encodeURIComponent(geojson.url)}` }
      const runs: Record<keyof typeof variants, Load[]> = { binary: [], geojson: [] }
      await loadOnce(browser, variants.binary, N) // warm-up: server caches, Chromium's first start
      for (let i = 0; i < RUNS; i++) {
        for (const k of ['binary', 'geojson'] as const) {
          const r = await loadOnce(browser, variants[k], N)
          runs[k].push(r)
          ctx.log(`${k} run ${i + 1}: first frame ${r.firstFrameMs} ms (ticket data in at ${r.dataMs} ms), ${r.totalBytes} bytes (tickets ${r.ticketBytes})`)
        }
      }
      const pick = (k: keyof typeof variants, f: keyof Load) => median(runs[k].map((r) => r[f]))
      const base = (name: string, value: number, unit: string) => ({ name, value, unit })
      const bin = { ms: pick('binary', 'firstFrameMs'), data: pick('binary', 'dataMs'), total: pick('binary', 'totalBytes'), tickets: pick('binary', 'ticketBytes') }
      const geo = { ms: pick('geojson', 'firstFrameMs'), data: pick('geojson', 'dataMs'), total: pick('geojson', 'totalBytes'), tickets: pick('geojson', 'ticketBytes') }
      figures.push(
        {
          name: `time to first frame with ${N} tickets, typed arrays`,
          value: bin.ms,
          unit: 'ms',
          baseline: base('same tickets as plain GeoJSON', geo.ms, 'ms'),
          ratio: bin.ms / geo.ms,
          note: `median of ${RUNS}, from navigation start, headless Chromium without GPU; lower is better`,
        },
        {
          name: `ticket data received, typed arrays (${N} tickets)`,
          value: bin.data,
          unit: 'ms',
          baseline: base('same tickets as plain GeoJSON', geo.data, 'ms'),
          ratio: bin.data / geo.data,
          note: 'from navigation start to the last byte of the ticket answer (server query + encoding + transfer)',
        },
        {
          name: `ticket data transferred, typed arrays (${N} tickets)`,
          value: bin.tickets,
          unit: 'bytes',
          baseline: base('same tickets as plain GeoJSON', geo.tickets, 'bytes'),
          ratio: bin.tickets / geo.tickets,
          note: 'uncompressed, as served',
        },
        {
          name: 'everything the wall page transferred, typed arrays',
          value: bin.total,
          unit: 'bytes',
          baseline: base('same page with GeoJSON tickets', geo.total, 'bytes'),
          ratio: bin.total / geo.total,
        },
      )
    } finally {
      await browser?.close()
      await server?.close()
      await geojson?.close()
      await fresh.close()
      rmSync(out, { recursive: true, force: true })
    }
    return figures
  },
}
export default bench
