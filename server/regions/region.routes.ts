import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv } from '../http/context.js'
import { defineRoute } from '../http/route.js'
import { regionFeatures, regionsVersion } from './region.repository.js'

const Query = z.object({
  level: z.enum(['provinsi', 'kabupaten', 'kecamatan', 'kelurahan']).optional(),
  zoom: z.coerce.number().min(0).max(22).default(12).transform(Math.floor),
  bbox: z
    .string()
    .transform((s) => s.split(',').map(Number))
    .pipe(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]))
    .optional(),
})

const regions = defineRoute({
  method: 'get',
  path: '/api/regions',
  tags: ['regions'],
  summary: 'Administrative boundaries as GeoJSON, simplified for the zoom; ETag-cached',
  query: Query,
  responses: { '200': { description: 'Region outlines', content: { 'application/geo+json': {} } } },
})

/** Simplified outlines are expensive to build and rarely change: cached per query and region version. */
const cache = new Map<string, { etag: string; body: string }>()

export function regionRoutes() {
  return new Hono<AppEnv>().get('/', async (c) => {
    const q = regions.query(c)
    const version = await regionsVersion(c.var.deps.db.db)
    const key = `${q.level ?? '*'}|${q.zoom}|${q.bbox?.join(',') ?? ''}`
    const etag = `"${Buffer.from(`${version}|${key}`).toString('base64url')}"`
    c.header('ETag', etag)
    c.header('Cache-Control', 'no-cache')
    if (c.req.header('if-none-match') === etag) return c.body(null, 304)
    let hit = cache.get(key)
    if (!hit || hit.etag !== etag) {
      const rows = await regionFeatures(c.var.deps.db.db, { level: q.level, zoom: q.zoom, bbox: q.bbox })
      const features = rows.map((r) => ({
        type: 'Feature',
        id: r.code,
        properties: {
          code: r.code,
          name: r.name,
          level: r.level,
          parent_code: r.parent_code,
          parent_name: r.parent_name,
          is_demo: r.is_demo,
          area_km2: Math.round(r.area_km2 * 1000) / 1000,
          label: [r.label_lon, r.label_lat],
        },
        geometry: JSON.parse(r.geometry) as unknown,
      }))
      hit = { etag, body: JSON.stringify({ type: 'FeatureCollection', features }) }
      if (cache.size > 200) cache.clear()
      cache.set(key, hit)
    }
    c.header('Content-Type', 'application/geo+json; charset=utf-8')
    return c.body(hit.body)
  })
}
