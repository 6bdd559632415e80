import { z } from 'zod'
import { errorResponses, jsonResponse, openapi } from './openapi.registry.js'

/**
 * Entries for the routes written before the registry existed. New route modules register
 * their own next to the route (see openapi.registry.ts); move an entry there when its
 * module is next edited. Request schemas are the ones the routes validate with; response
 * schemas here describe the JSON the views build.
 */

const geojson = (description: string) => ({ description, content: { 'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) } } })

openapi.add('get', '/api/health', {
  tags: ['system'],
  summary: 'Liveness: database kind and the latest event sequence number',
  responses: { '200': jsonResponse('OK', z.object({ ok: z.boolean(), db: z.enum(['pglite', 'postgres']), seq: z.number().int() })) },
})
openapi.add('get', '/api/config', {
  tags: ['system'],
  summary: 'What the screens need to start: basemap URL, demo mode',
  responses: { '200': jsonResponse('OK', z.object({ basemap_url: z.string().nullable(), demo: z.boolean() })) },
})
openapi.add('get', '/api/categories', {
  tags: ['categories'],
  summary: 'Active report categories',
  responses: {
    '200': jsonResponse(
      'OK',
      z.object({ categories: z.array(z.object({ code: z.string(), name: z.string(), name_en: z.string(), group: z.string(), color: z.string() })) }),
    ),
  },
})
