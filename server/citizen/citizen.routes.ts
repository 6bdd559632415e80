import { Hono } from 'hono'
import { z } from 'zod'
import { clientAddress } from '../http/client-address.js'
import type { AppEnv } from '../http/context.js'
import { AppError } from '../http/errors.js'
import { defineRoute } from '../http/route.js'
import { errorResponses, jsonResponse } from '../openapi/openapi.registry.js'
import { nearbyForCitizen } from './nearby.service.js'
import { RateLimit } from '../http/rate-limit.js'

const coordinate = (min: number, max: number, what: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`).pipe(z.number().min(min, `${what} must be ≥ ${min}`).max(max, `${what} must be ≤ ${max}`)),
  )

export const NearbyQuery = z.object({
  lat: coordinate(-90, 90, 'lat'),
  lon: coordinate(-180, 180, 'lon'),
  category: z.string().trim().min(1).max(64),
})

/** Look-ups per client address per minute: a person moving a pin, not a crawler mapping every incident. */
export const NEARBY_PER_MINUTE = 30

const NearbyAnswer = z.object({
  radius_m: z.number(),
  incidents: z.array(
    z.object({
      id: z.uuid(),
      category: z.string(),
      status: z.string(),
      status_label: z.string(),
      status_label_en: z.string(),
      location: z.object({ lat: z.number(), lon: z.number() }),
      kelurahan: z.string().nullable(),
      distance_m: z.number(),
      report_count: z.number(),
      first_reported_at: z.string(),
      last_reported_at: z.string(),
    }),
  ),
})

const nearby = defineRoute({
  method: 'get',
  path: '/api/lapor/nearby',
  tags: ['citizens'],
  summary:
    "Open incidents of a category's match group within its matching radius of a point (at most 5, nearest first), for the citizens' form: one of them may be joined (`incident_id` on POST /api/reports) instead of a new ticket. No reporter, words or photos; 30 look-ups a minute per address (429)",
  query: NearbyQuery,
  responses: { '200': jsonResponse('OK', NearbyAnswer), '429': { description: 'Too many look-ups; retry after `Retry-After` seconds' }, ...errorResponses },
})

/** The citizens' web form's own API (issue 19): /api/lapor. */
export function citizenRoutes() {
  const limit = new RateLimit(NEARBY_PER_MINUTE, 60_000)
  return new Hono<AppEnv>().get('/nearby', async (c) => {
    const wait = limit.take(clientAddress(c, c.var.deps.config.SIGAP_TRUSTED_PROXIES))
    if (wait > 0) throw new AppError(429, 'rate_limited', `Too many look-ups from this address; retry in ${wait} s`, undefined, { 'Retry-After': String(wait) })
    const q = nearby.query(c)
    const category = await c.var.deps.categories.get(q.category)
    if (!category || !category.active) throw new AppError(422, 'validation_failed', `Unknown category "${q.category}"`, [{ field: 'category', message: `unknown category "${q.category}"` }])
    c.header('Cache-Control', 'no-store')
    return c.json(await nearbyForCitizen(c.var.deps.db.db, { lat: q.lat, lon: q.lon }, q.category))
  })
}
