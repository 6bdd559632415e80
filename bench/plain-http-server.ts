import { availableParallelism } from 'node:os'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import pg from 'pg'
import { IntakeQueue } from '../server/reports/intake.queue.js'
import { insertPlain, insertPlainRows } from './plain.js'

// The floor under intake over HTTP (bench/intake.bench.ts): the same server stack (Hono on
// @hono/node-server, a pg pool) whose POSTs do nothing but store the baseline's row. `/plain`:
// one autocommitted INSERT a request. `/batched`: the rows that arrive together inserted by one
// statement, through the queue sigap's intake uses (server/reports/intake.queue.ts, one batch per
// core). What they cost beyond the plain INSERT is what HTTP and JSON cost before any intake
// work; sigap's intake cannot cost less.
type Row = { description: string; location: { lat: number; lon: number } }

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 16 })
const workers = Math.max(1, Math.min(8, availableParallelism()))
const queue = new IntakeQueue((rows: Row[]) => insertPlainRows(pool, rows.map((r) => ({ body: r.description, lon: r.location.lon, lat: r.location.lat }))), workers, 32)

const app = new Hono()
app.post('/plain', async (c) => {
  const r = await c.req.json<Row>()
  return c.json({ id: await insertPlain(pool, r.description, r.location.lon, r.location.lat) }, 201)
})
app.post('/batched', async (c) => c.json({ id: await queue.submit(await c.req.json<Row>()) }, 201))

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('sigap is serving'))
process.on('SIGTERM', () => process.exit(0))
