import pg from 'pg'
import { cpuSeconds, freshDb, throughput, WARM_UP, type Bench, type BenchFigure } from './lib.js'

// Where intake's cost is not: writing its rows. Every row a new report's intake writes when it
// opens an incident (the incident with its ten indexes, the ticket's two history rows, the
// report with its seven, three events), written by one set-based statement a batch, with no
// logic (no location check, no match search, no routing rules), against plain single-row
// INSERTs in alternating rounds. Issue 2 asks intake to cost no more than two plain INSERTs; if
// these rows alone cost more, no intake could. They do not (see the README), so the gap is in
// the per-report work: the checks and searches in PL/pgSQL, and the server's code.

const SCALE = Number(process.env.SIGAP_BENCH_SCALE ?? 1)
const N = Math.max(400, Math.round(4000 * SCALE))
const ROUNDS = 3
const CONCURRENCY = 16
/** As intake under 16 clients on 2 cores: a batch per core (report.service.ts), about 8 in each. */
const BATCH = 8
const WORKERS = 2

const STORE = `
WITH src AS MATERIALIZED (
  SELECT gen_random_uuid() AS iid, d, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g
  FROM unnest($1::text[], $2::float8[], $3::float8[]) AS u(d, x, y)),
inc AS (
  INSERT INTO incidents (id, category_code, location, report_count, channels, first_reported_at, last_reported_at,
                         priority, routed_at, response_due_at, resolve_due_at, status_changed_at)
  SELECT iid, 'jalan_rusak', g, 1, '{app}', now(), now(), 3, now(), now() + interval '1 day', now() + interval '3 days', now() FROM src),
history AS (
  INSERT INTO ticket_events (incident_id, kind, to_status, actor_role, data, at)
  SELECT iid, k, 'new', 'system', '{}'::jsonb, now() FROM src, unnest(ARRAY['opened', 'routed']) k),
rep AS (
  INSERT INTO reports (channel, category_code, description, location, reported_at, incident_id, location_status, location_checked_at)
  SELECT 'app', 'jalan_rusak', d, g, now(), iid, 'match', now() FROM src)
INSERT INTO events (type, data)
SELECT t, $4::jsonb FROM src, unnest(ARRAY['report.created', 'incident.created', 'ticket.routed']) t`

/** About the size of a real report.created event. */
const EVENT = JSON.stringify({
  id: '00000000-0000-4000-8000-000000000000',
  channel: 'app',
  category: 'jalan_rusak',
  description: 'Jalan berlubang di depan sekolah dasar, sudah dua minggu',
  location: { lat: -6.5, lon: 107.4, accuracy_m: 12 },
  region: { code: '32.14.01.1001', name: 'Sukamaju' },
  location_check: { status: 'match', claimed: { code: '32.14.01.1001', name: 'Sukamaju' }, detected: { code: '32.14.01.1001', name: 'Sukamaju' } },
  incident_id: '00000000-0000-4000-8000-000000000001',
  incident_new: true,
})

const point = (i: number) => ({ x: 107.4 + ((i * 0.754_877_666) % 1) * 0.09, y: -6.6 + ((i * 0.569_840_291) % 1) * 0.1 })

const bench: Bench = {
  name: "storage floor: intake's rows alone",
  async run(ctx): Promise<BenchFigure[]> {
    const fresh = await freshDb(ctx, 'storage')
    const pool = new pg.Pool({ connectionString: fresh.url, max: CONCURRENCY })
    try {
      await pool.query('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, body text, g geometry(Point, 4326)); CREATE INDEX ON bench_plain USING gist (g)')
      const plain = async (i: number) => {
        const { x, y } = point(i)
        await pool.query('INSERT INTO bench_plain (body, g) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326))', [`Jalan berlubang ${i}`, x, y])
      }
      const batch = async (b: number) => {
        const pts = Array.from({ length: BATCH }, (_, k) => point(b * BATCH + k))
        await pool.query(STORE, [pts.map((_, k) => `Jalan berlubang ${b * BATCH + k}`), pts.map((p) => p.x), pts.map((p) => p.y), EVENT])
      }
      const ways = {
        plain: { run: (n: number, from: number) => throughput(n, CONCURRENCY, (i) => plain(from + i)), seconds: 0, pg: 0 },
        rows: { run: (n: number, from: number) => throughput(Math.ceil(n / BATCH), WORKERS, (b) => batch(Math.floor(from / BATCH) + b)).then((r) => r * BATCH), seconds: 0, pg: 0 },
      }
      let from = 0
      for (const w of Object.values(ways)) await w.run(WARM_UP, (from += WARM_UP))
      const perRound = Math.ceil(N / ROUNDS / BATCH) * BATCH
      for (let r = 0; r < ROUNDS; r++) {
        for (const w of Object.values(ways)) {
          const c0 = cpuSeconds('-').postgres
          w.seconds += perRound / (await w.run(perRound, (from += perRound)))
          w.pg += cpuSeconds('-').postgres - c0
        }
      }
      const n = perRound * ROUNDS
      const rate = (w: { seconds: number }) => n / w.seconds
      const ms = (s: number) => ((s * 1000) / n).toFixed(2)
      return [
        {
          name: `every row of a new report's intake (report, incident, 2 history rows, 3 events), set-based, batches of ${BATCH} on ${WORKERS} connections, ${n} reports`,
          value: rate(ways.rows),
          unit: 'reports/s',
          baseline: { name: `plain INSERT into a GiST-indexed table, ${CONCURRENCY} clients`, value: rate(ways.plain), unit: 'rows/s' },
          ratio: rate(ways.rows) / rate(ways.plain),
          note: `PostgreSQL CPU per report ${ms(ways.rows.pg)} ms, per plain INSERT ${ms(ways.plain.pg)} ms`,
        },
      ]
    } finally {
      await pool.end()
      await fresh.close()
    }
  },
}
export default bench
