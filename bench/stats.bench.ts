import { sql } from 'kysely'
import { ticketScope } from '../server/auth/principal.js'
import { seedDemoArea } from '../server/demo/demo.area.js'
import { responseHeatmap, responseStats, type StatsFilter } from '../server/stats/stats.repository.js'
import { freshDb, type Bench, type BenchFigure } from './lib.js'

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const N = Math.max(10_000, Math.round(1_000_000 * SCALE))
const CHUNK = 100_000
const RUNS = 3
const YEAR = { from: new Date('2025-01-01T00:00:00+07:00'), to: new Date('2026-01-01T00:00:00+07:00') }

/** Median wall time of `RUNS` runs (after one warm-up), ms. */
async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!
}

/**
 * Response statistics and the kelurahan heatmap over a year of tickets, against the bare SQL
 * aggregate (count and mean response time per agency) over the same rows in the same run.
 */
const bench: Bench = {
  name: 'response statistics',
  async run(ctx) {
    const fresh = await freshDb(ctx, 'stats')
    const db = fresh.db.db
    const figures: BenchFigure[] = []
    try {
      await seedDemoArea(db)
      const regions = (await db.selectFrom('regions').select('code').where('level', '=', 'kelurahan').execute()).map((r) => r.code)
      const agencies = (await db.selectFrom('agencies').select('code').execute()).map((a) => a.code)
      ctx.log(`generating ${N} tickets over 2025 in ${regions.length} kelurahan, ${agencies.length} agencies`)
      const t0 = performance.now()
      for (let done = 0; done < N; done += CHUNK) {
        const n = Math.min(CHUNK, N - done)
        // One statement per chunk: times drawn so that ~85 % got a response and ~70 % a resolution.
        await sql`
          WITH g AS (
            SELECT s, random() AS r1, random() AS r2, random() AS r3,
                   ${YEAR.from.toISOString()}::timestamptz + random() * interval '365 days' AS created
            FROM generate_series(1, ${n}) AS s
          )
          INSERT INTO incidents (category_code, location, region_code, report_count, channels, first_reported_at, last_reported_at,
            created_at, status, agency_code, routed_at, priority, response_due_at, resolve_due_at, first_response_at, resolved_at, ended_at,
            resolve_breached_at)
          SELECT 'jalan_rusak', ST_SetSRID(ST_MakePoint(107.4 + r1 * 0.1, -6.6 + r2 * 0.1), 4326),
                 (string_to_array(${regions.join(',')}, ','))[1 + (s % ${regions.length})], 1, '{app}', created, created, created,
                 CASE WHEN r3 < 0.7 THEN 'resolved' WHEN r3 < 0.85 THEN 'in_progress' ELSE 'new' END,
                 (string_to_array(${agencies.join(',')}, ','))[1 + (s % ${agencies.length})], created, 3,
                 created + interval '1 day', created + interval '5 days',
                 CASE WHEN r3 < 0.85 THEN created + (r1 * 48) * interval '1 hour' END,
                 CASE WHEN r3 < 0.7 THEN created + (r2 * 10) * interval '1 day' END,
                 CASE WHEN r3 < 0.7 THEN created + (r2 * 10) * interval '1 day' END,
                 CASE WHEN r3 < 0.7 AND r2 > 0.5 THEN created + interval '5 days' END
          FROM g`.execute(db)
        ctx.log(`  ${done + n} tickets`)
      }
      await sql`ANALYZE incidents`.execute(db)
      ctx.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`)

      const all: StatsFilter = { ...YEAR, scope: ticketScope({ role: 'leadership' }) }
      const bare = await timeMs(() =>
        sql`SELECT agency_code, count(*), avg(extract(epoch FROM first_response_at - created_at))
            FROM incidents WHERE created_at >= ${YEAR.from.toISOString()}::timestamptz AND created_at < ${YEAR.to.toISOString()}::timestamptz
            GROUP BY agency_code`.execute(db),
      )
      const baseline = { name: 'bare SQL aggregate (count + mean response per agency, same rows)', value: bare, unit: 'ms' }
      // The same exact percentiles straight in SQL, without our filters, backlog and SLA counts:
      // how much of the time is the sorting that any exact median needs.
      const bareP = await timeMs(() =>
        sql`SELECT agency_code, count(*),
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at)::float8),
              percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at)::float8)
            FROM incidents WHERE created_at >= ${YEAR.from.toISOString()}::timestamptz AND created_at < ${YEAR.to.toISOString()}::timestamptz
            GROUP BY agency_code`.execute(db),
      )
      figures.push({
        name: `bare SQL percentiles (p50/p90 of response and resolution per agency, ${N} tickets)`,
        value: bareP,
        unit: 'ms',
        baseline,
        ratio: bareP / bare,
        note: 'no application code: the cost of exact percentiles alone',
      })
      const cases: [string, () => Promise<unknown>][] = [
        ['response statistics per agency, one year', () => responseStats(db, all, 'agency', 'kelurahan')],
        ['response statistics per agency and kecamatan, one year', () => responseStats(db, all, 'agency_region', 'kecamatan')],
        ['response heatmap by kelurahan, all agencies, one year', () => responseHeatmap(db, all, 'kelurahan')],
        ['response heatmap by kelurahan, one agency, one year', () => responseHeatmap(db, { ...all, agency: agencies[1] }, 'kelurahan')],
        // What a wall shows: the last 30 days.
        ['response heatmap by kelurahan, all agencies, last 30 days of the year', () => responseHeatmap(db, { ...all, from: new Date(YEAR.to.getTime() - 30 * 86_400_000) }, 'kelurahan')],
      ]
      for (const [name, fn] of cases) {
        const ms = await timeMs(fn)
        figures.push({
          name: `${name} (${N} tickets)`,
          value: ms,
          unit: 'ms',
          baseline,
          ratio: ms / bare,
          note: `median of 3 after a warm-up; lower is better; ${(ms / bareP).toFixed(2)}x the bare SQL percentiles`,
        })
      }
    } finally {
      await fresh.close()
    }
    return figures
  },
}
export default bench
