import { serve, type ServerType } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { existsSync, readFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { ANONYMOUS_DISPLAY, type Principal } from './auth/principal.js'
import { CategoryCatalog } from './categories/category.repository.js'
import type { Config } from './config.js'
import { connect, type Db } from './db/connect.js'
import { migrate } from './db/migrate.js'
import { EventFeed } from './events/event.feed.js'
import { WsHub } from './events/ws.hub.js'
import { createApiApp } from './app.js'
import type { Deps } from './http/context.js'
import { createLogger, type Logger } from './logger.js'

export const WEB_DIST = join(import.meta.dirname, '../dist/web')
/** The screens; each is the same single-page app, which picks its view from the path. */
export const SCREENS = ['wall', 'review', 'disputes', 'field', 'intake'] as const

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers()
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => h.append(k, x))
    else if (v !== undefined) h.set(k, v)
  }
  return h
}

export interface Running {
  deps: Deps
  hub: WsHub<Principal>
  port: number
  url: string
  close(): Promise<void>
}

/** Until sign-in exists every client is an anonymous display. */
export const anonymousOnly = async (): Promise<Principal | null> => null

export async function startServer(
  config: Config,
  opts: { db?: Db; log?: Logger; authenticate?: Deps['authenticate'] } = {},
): Promise<Running> {
  const log = opts.log ?? createLogger(config.SIGAP_LOG)
  const db = opts.db ?? (await connect({ databaseUrl: config.DATABASE_URL, dataDir: config.SIGAP_DATA_DIR }))
  const mig = await migrate(db.db)
  if (mig.applied.length) log.info(`migrations applied: ${mig.applied.join(', ')}`)
  const feed = new EventFeed(db)
  await feed.start()
  const deps: Deps = { db, config, feed, categories: new CategoryCatalog(db.db), log, authenticate: opts.authenticate ?? anonymousOnly }
  const app = createApiApp(deps)

  if (existsSync(WEB_DIST)) {
    const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8')
    app.get('/', (c) => c.redirect('/wall'))
    for (const screen of SCREENS) app.get(`/${screen}`, (c) => c.html(index))
    app.use('/*', serveStatic({ root: WEB_DIST }))
  } else {
    app.get('/', (c) => c.text('sigap API is running; build the screens with `npm run build`.'))
  }

  const hub = new WsHub<Principal>({
    db,
    feed,
    authenticate: async (req) => (await deps.authenticate(headersOf(req))) ?? ANONYMOUS_DISPLAY,
    // Events carry no reporter identity, so a display may see every one of them.
    filter: (_p, ev) => ev.data,
  })

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s))
  })
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0]
    if (path === '/ws') void hub.handleUpgrade(req, socket, head)
    else socket.destroy()
  })
  const port = (server.address() as AddressInfo).port
  return {
    deps,
    hub,
    port,
    url: `http://localhost:${port}`,
    async close() {
      await hub.close()
      await feed.stop()
      await new Promise<void>((r) => server.close(() => r()))
      if (!opts.db) await db.close()
    },
  }
}
