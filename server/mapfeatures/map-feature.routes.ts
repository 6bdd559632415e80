import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { Bbox } from '../incidents/incident.schema.js'
import { mapFeatures } from './map-feature.repository.js'

const Query = z.object({ bbox: Bbox.optional() })
const features = defineRoute({
  method: 'get',
  path: '/api/map-features',
  tags: ['regions'],
  summary: 'Roads, rivers and named landmarks drawn on the maps (the demo generates its own), as GeoJSON',
  query: Query,
  responses: { '200': { description: 'Lines (kind road or river) and points (kind landmark) with kind, class and name', content: { 'application/geo+json': {} } } },
})

/** Roads, rivers and landmarks as GeoJSON: public, like the regions (places, no people). */
export function mapFeatureRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const q = features.query(c)
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
