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
import { loadShippedCalendar } from './holidays/holiday.calendar.js'
import { startReportSchedule } from './review/review.schedule.js'
import { EventFeed } from './events/event.feed.js'
import { WsHub, type WsLimits } from './events/ws.hub.js'
import { createApiApp } from './app.js'
import type { Deps } from './http/context.js'
import { webBuildOf } from './http/web-build.js'
import { createLogger, type Logger } from './logger.js'
import { trackWsClients } from './metrics/metrics.js'
import { startWhatsAppWorker } from './whatsapp/whatsapp.worker.js'
import { HotspotScheduler } from './hotspots/hotspot.scheduler.js'
import { sessionAuthenticator, withQueryToken } from './auth/auth.service.js'
import { createEventFilter, viewerOf } from './auth/event.filter.js'
import { startDisputeOverdueCheck } from './disputes/dispute.overdue.js'
import { SlaChecker } from './tickets/sla.checker.js'
import { countUsers } from './users/user.repository.js'

/** The built screens: dist/web, or SIGAP_WEB_DIST (a second build side by side, in development). */
export const webDist = (config: Pick<Config, 'SIGAP_WEB_DIST'>): string => config.SIGAP_WEB_DIST ?? join(import.meta.dirname, '../dist/web')
/** The screens; each is the same single-page app, which picks its view from the path. */
export const SCREENS = ['wall', 'review', 'disputes', 'field', 'intake', 'desk', 'signin', 'lapor'] as const

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
  /** The SLA checker: tests call `sla.tick()` after moving their clock. */
  sla: SlaChecker
  port: number
  url: string
  close(): Promise<void>
}

export async function startServer(
  config: Config,
  opts: {
    db?: Db
    log?: Logger
    authenticate?: Deps['authenticate']
    /** The SLA checker's clock and period (tests drive them; default: now, every 30 s). */
    slaClock?: () => Date
    slaIntervalMs?: number
    /** The build of the screens to tell clients (tests pretend a deploy); default: the one served. */
    webBuild?: string | null
    /** Per-socket limits of the live stream (default WS_LIMITS); tests lower them. */
    wsLimits?: Partial<WsLimits>
  } = {},
): Promise<Running> {
  const log = opts.log ?? createLogger(config.SIGAP_LOG)
  const db = opts.db ?? (await connect({ databaseUrl: config.DATABASE_URL, dataDir: config.SIGAP_DATA_DIR }))
  const mig = await migrate(db.db)
  if (mig.applied.length) log.info(`migrations applied: ${mig.applied.join(', ')}`)
  if (mig.functions.length) log.info(`functions applied: ${mig.functions.join(', ')}`)
  const holidayYears = await loadShippedCalendar(db.db)
  if (holidayYears.length) log.info(`holiday calendar loaded: ${holidayYears.map((y) => `${y.year} (${y.status})`).join(', ')}`)
  const feed = new EventFeed(db)
  await feed.start()
  const deps: Deps = { db, config, feed, categories: new CategoryCatalog(db.db), log, authenticate: opts.authenticate ?? sessionAuthenticator(db.db) }
  const app = createApiApp(deps)
  const hotspots = new HotspotScheduler(deps)
  hotspots.start()
  const sla = new SlaChecker(deps, { now: opts.slaClock, intervalMs: opts.slaIntervalMs })
  sla.start()
  if (!config.SIGAP_DEMO && (await countUsers(db.db)) === 0)
    log.info('no user accounts yet: create the first admin with `npm run sigap -- users add --username admin --role admin`')
  const disputesOverdue = startDisputeOverdueCheck(deps) // pushes dispute.overdue (issue 4)
  const reportSchedule = startReportSchedule(deps) // SIGAP_REPORT_SCHEDULE: daily/weekly PDF into a folder

  let webBuild: string | null = null
  const WEB_DIST = webDist(config)
  if (existsSync(WEB_DIST)) {
    const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8')
    webBuild = webBuildOf(index)
    // The root picks the screen from the signed-in role (web/src/App.svelte).
    app.get('/', (c) => c.html(index))
    for (const screen of SCREENS) app.get(`/${screen}`, (c) => c.html(index))
    app.use('/*', serveStatic({ root: WEB_DIST }))
  } else {
    app.get('/', (c) => c.text('sigap API is running; build the screens with `npm run build`.'))
  }

  const hub = new WsHub<Principal>({
    db,
    feed,
    authenticate: async (req) => (await deps.authenticate(withQueryToken(headersOf(req), req.url))) ?? ANONYMOUS_DISPLAY,
    // Events carry no reporter identity; the filter keeps each role to its scope (issue 5),
    // comparing the scope stored with each event (issue 20); the replay filters in its query.
    filter: createEventFilter(),
    viewer: viewerOf,
    build: opts.webBuild === undefined ? webBuild : opts.webBuild,
    ...(opts.wsLimits ? { limits: opts.wsLimits } : {}),
  })
  trackWsClients(() => hub.size)
  const stopWhatsApp = startWhatsAppWorker(deps)

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
    sla,
    port,
    url: `http://localhost:${port}`,
    async close() {
      await stopWhatsApp()
      await hotspots.stop()
      await sla.stop()
      await disputesOverdue.stop()
      reportSchedule?.stop()
      await hub.close()
      await feed.stop()
      await new Promise<void>((r) => server.close(() => r()))
      if (!opts.db) await db.close()
    },
  }
}
