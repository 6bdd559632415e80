import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ANONYMOUS_DISPLAY } from './auth/principal.js'
import { categoryRoutes } from './categories/category.routes.js'
import type { AppEnv, Deps } from './http/context.js'
import { AppError, errorResponse } from './http/errors.js'
import { regionRoutes } from './regions/region.routes.js'
import { countRegions } from './regions/region.repository.js'
import { reportRoutes } from './reports/report.routes.js'

/** The HTTP API, without a listening server: tests call it through `app.request`. */
export function createApiApp(deps: Deps) {
  const app = new Hono<AppEnv>()
  app.use('*', async (c, next) => {
    c.set('deps', deps)
    c.set('principal', (await deps.authenticate(c.req.raw.headers)) ?? ANONYMOUS_DISPLAY)
    await next()
  })
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.config.SIGAP_MAX_BODY_BYTES,
      onError: () => {
        throw new AppError(413, 'body_too_large', `Request body is larger than ${deps.config.SIGAP_MAX_BODY_BYTES} bytes`)
      },
    }),
  )
  app.get('/api/health', (c) => c.json({ ok: true, db: deps.db.kind, seq: deps.feed.lastSeq }))
  app.get('/api/config', async (c) =>
    c.json({ basemap_url: deps.config.SIGAP_BASEMAP_URL ?? null, demo: (await countRegions(deps.db.db)).demo > 0 }),
  )
  app.route('/api/categories', categoryRoutes())
  app.route('/api/regions', regionRoutes())
  app.route('/api/reports', reportRoutes())
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}` } }, 404))
  app.onError((err, c) => errorResponse(err, c, deps.log.error))
  return app
}
