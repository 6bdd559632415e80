import { availableParallelism } from 'node:os'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import pg from 'pg'
import { IntakeQueue } from '../server/reports/intake.queue.js'

// The floor under intake over HTTP (bench/intake.bench.ts): the same server stack (Hono on
// @hono/node-server, a pg pool) whose POSTs do nothing but store the baseline's row. `/plain`:
// one autocommitted INSERT a request. `/batched`: the rows that arrive together inserted by one
// statement, through the queue sigap's intake uses (server/reports/intake.queue.ts, one batch per
// core). What they cost beyond the plain INSERT is what HTTP and JSON cost before any intake
// work; sigap's intake cannot cost less.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 })
const app = new Hono()
app.post('/plain', async (c) => {
  const b = (await c.req.json()) as { description: string; location: { lat: number; lon: number } }
  const res = await pool.query<{ id: string }>('INSERT INTO bench_plain (body, g) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326)) RETURNING id', [
    b.description,
    b.location.lon,
    b.location.lat,
  ])
  return c.json({ id: res.rows[0]!.id }, 201)
})
const workers = Math.max(1, Math.min(8, availableParallelism()))
const queue = new IntakeQueue<{ d: string; lon: number; lat: number }, string>(
  async (batch) => {
    const res = await pool.query<{ id: string }>(
      'INSERT INTO bench_plain (body, g) SELECT d, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(d, x, y, o) ORDER BY o RETURNING id',
      [batch.map((b) => b.d), batch.map((b) => b.lon), batch.map((b) => b.lat)],
    )
    return res.rows.map((r) => r.id)
  },
  workers,
  32,
)
app.post('/batched', async (c) => {
  const b = (await c.req.json()) as { description: string; location: { lat: number; lon: number } }
  return c.json({ id: await queue.submit({ d: b.description, lon: b.location.lon, lat: b.location.lat }) }, 201)
})
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('sigap is serving'))
process.on('SIGTERM', () => process.exit(0))
