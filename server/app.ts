import { Hono } from 'hono'
import { ANONYMOUS_DISPLAY } from './auth/principal.js'
import { categoryRoutes } from './categories/category.routes.js'
import type { AppEnv, Deps } from './http/context.js'
import { AppError, errorResponse } from './http/errors.js'
import { declaredBodyLimit } from './http/body-limit.js'
import { regionRoutes } from './regions/region.routes.js'
import { mapFeatureRoutes } from './mapfeatures/map-feature.routes.js'
import { systemRoutes } from './system/system.routes.js'
import { reportRoutes } from './reports/report.routes.js'
import { incidentRoutes } from './incidents/incident.routes.js'
import { disputeRoutes } from './disputes/dispute.routes.js'
import { densityRoutes, hotspotRoutes, rankingRoutes } from './hotspots/hotspot.routes.js'
import { httpMetrics, observeFeed } from './metrics/metrics.js'
import { metricsRoutes } from './metrics/metrics.routes.js'
import { open311Routes } from './open311/open311.routes.js'
import { openapiRoutes } from './openapi/openapi.routes.js'
import { photoRoutes } from './photos/photo.routes.js'
import { whatsappRoutes } from './whatsapp/whatsapp.routes.js'
import { exportRoutes } from './opendata/export.routes.js'
import { reviewRoutes } from './review/review.routes.js'
// Tickets, agencies, stats, ratings, users (issue 5)
import { authRoutes } from './auth/auth.routes.js'
import { LookupThrottle } from './status/status.throttle.js'
import { csrfGuard } from './auth/csrf.js'
import { agencyRoutes, catalogueRoutes } from './agencies/agency.routes.js'
import { ticketRoutes } from './tickets/ticket.routes.js'
import { statsRoutes } from './stats/stats.routes.js'
import { ratingRoutes } from './ratings/rating.routes.js'
import { skmRoutes } from './ratings/skm.routes.js'
import { displayTokenRoutes, userRoutes } from './users/user.routes.js'
import { wallRoutes } from './wall/wall.routes.js'
import { statusApiRoutes, statusPageRoutes } from './status/status.routes.js'
import { ratingPageRoutes } from './ratings/rating.page.js'
import { citizenRoutes } from './citizen/citizen.routes.js'

/** The HTTP API, without a listening server: tests call it through `app.request`. */
export function createApiApp(deps: Deps) {
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('principal', (await deps.authenticate(c.req.raw.headers)) ?? ANONYMOUS_DISPLAY)
    await next()
  })
  // Requests that carry the session cookie must prove they come from our own pages (issue 5).
  app.use('*', csrfGuard())
  app.use('*', httpMetrics())
  // A body refused for its size is left unread on the socket: the connection cannot carry
  // another request, so the answer says so rather than promise keep-alive and then drop it.
  app.use('*', async (c, next) => {
    await next()
    if (c.res.status === 413) c.res.headers.set('Connection', 'close')
  })
  // Photo uploads come before the JSON body limit: they have their own, per file.
  app.route('/', photoRoutes())
  app.use(
    '/api/*',
    declaredBodyLimit(deps.config.SIGAP_MAX_BODY_BYTES, () => {
      throw new AppError(413, 'body_too_large', `Request body is larger than ${deps.config.SIGAP_MAX_BODY_BYTES} bytes`)
    }),
  )
  app.route('/api', systemRoutes()) // health, config
  app.route('/api/categories', categoryRoutes())
  app.route('/api/regions', regionRoutes())
  app.route('/api/map-features', mapFeatureRoutes()) // roads, rivers, landmarks (issue 21)
  app.route('/api/reports', reportRoutes())
  app.route('/api/incidents', incidentRoutes())
  app.route('/api/disputes', disputeRoutes()) // location disputes (issue 4)
  // Tickets, agencies, stats, ratings, users (issue 5)
  app.route('/api/auth', authRoutes())
  app.route('/api/users', userRoutes())
  app.route('/api/display-tokens', displayTokenRoutes())
  app.route('/api/agencies', agencyRoutes())
  app.route('/api/catalogue', catalogueRoutes())
  app.route('/api/tickets', ticketRoutes())
  app.route('/api/stats', statsRoutes())
  app.route('/api/ratings', ratingRoutes())
  app.route('/api/skm', skmRoutes())
  app.route('/api/hotspots', hotspotRoutes())
  app.route('/api/regions/ranking', rankingRoutes())
  app.route('/api/density', densityRoutes())
  app.route('/api/wall', wallRoutes()) // the command-room wall (issue 6)
  // Channels and open data (issue 7)
  app.route('/api/openapi.json', openapiRoutes())
  app.route('/api/export', exportRoutes())
  app.route('/api/review', reviewRoutes()) // leadership review and periodic report (issue 6)
  app.route('/open311/v2', open311Routes())
  const lookups = new LookupThrottle() // one tally for the page and the API: a walker cannot alternate
  app.route('/api/status', statusApiRoutes(lookups)) // citizens follow their ticket by number (issue 19)
  app.route('/status', statusPageRoutes(lookups))
  app.route('/api/lapor', citizenRoutes()) // the citizens' web form: nearby open incidents (issue 19)
  app.route('/nilai', ratingPageRoutes())
  app.route('/webhooks/whatsapp', whatsappRoutes())
  app.route('/metrics', metricsRoutes())
  observeFeed(deps.feed)
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404))
  app.onError((err, c) => errorResponse(err, c, deps.log.error))
  return app
}
