import { serve, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { AddressInfo } from 'node:net'
import { latestSeq } from '../../server/events/event.repository.js'
import type { Database } from '../../server/db/database.js'
import { openTickets } from '../../server/wall/wall.repository.js'

/**
 * The wall's open tickets as a GeoJSON FeatureCollection, from the same query as the product's
 * GET /api/wall/tickets.bin: the benchmark's comparison, served beside the product server (the
 * bench page fetches it across origins) so the product carries no GeoJSON route for it.
 */
export async function serveTicketsGeoJson(db: Kysely<Database>): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono().get('/tickets.geojson', async (c) => {
    const seq = await latestSeq(db)
    const rows = await openTickets(db, { all: true }, new Date())
    c.header('Content-Type', 'application/geo+json; charset=utf-8')
    c.header('Access-Control-Allow-Origin', '*')
    return c.body(
      JSON.stringify({
        type: 'FeatureCollection',
        seq,
        features: rows.map((r) => ({
          type: 'Feature',
          id: r.id,
          geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
          properties: { id: r.id, category: r.category_code, priority: r.priority, is_emergency: r.is_emergency, breached: r.breached, report_count: r.report_count },
        })),
      }),
    )
  })
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets.geojson`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
