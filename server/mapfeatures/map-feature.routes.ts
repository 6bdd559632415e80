import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { parseOr422 } from '../http/errors.js'
import { Bbox } from '../incidents/incident.schema.js'
import { mapFeatures } from './map-feature.repository.js'

const Query = z.object({ bbox: Bbox.optional() })

/** Roads, rivers and landmarks as GeoJSON: public, like the regions (places, no people). */
export function mapFeatureRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const q = parseOr422(Query, c.req.query(), 'query')
    const rows = await mapFeatures(c.var.deps.db.db, q.bbox)
    c.header('Content-Type', 'application/geo+json; charset=utf-8')
    c.header('Cache-Control', 'no-cache')
    return c.body(
      JSON.stringify({
        type: 'FeatureCollection',
        features: rows.map((r) => ({ type: 'Feature', id: Number(r.id), properties: { kind: r.kind, class: r.class, name: r.name, is_demo: r.is_demo }, geometry: JSON.parse(r.geometry) as unknown })),
      }),
    )
  })
}
