import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { EventFeed } from '../events/event.feed.js'

/**
 * The process's Prometheus series. One registry per process (module singletons): tests that
 * build several apps in one process share it, which only adds up counts.
 */
export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'sigap_' })

/**
 * Reports stored, by channel, as this process read them from the event log: every process
 * sees every committed report once, so with several processes take max(), not sum().
 */
export const reportsCreated = new Counter({
  name: 'sigap_reports_created_total',
  help: 'Reports stored (from the event log), by channel; rate() of it is the intake rate',
  labelNames: ['channel'] as const,
  registers: [registry],
})

/** Reports received by a channel adapter (Open311, WhatsApp, import), duplicates included. */
export const channelMessages = new Counter({
  name: 'sigap_channel_messages_total',
  help: 'Submissions received per channel and outcome (created, duplicate, rejected, ignored)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
})

export const eventLag = new Histogram({
  name: 'sigap_event_lag_seconds',
  help: 'Time from an event being written to this process handing it to its listeners',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})

export const httpDuration = new Histogram({
  name: 'sigap_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
})

/**
 * Open tickets past their SLA due time, for the tickets module to set, e.g.
 * `slaBreaches.set({ agency: 'dinas_pu', kind: 'resolution' }, 3)`.
 */
export const slaBreaches = new Gauge({
  name: 'sigap_sla_breaches',
  help: 'Open tickets past their SLA due time, by agency and clock (response, resolution)',
  labelNames: ['agency', 'kind'] as const,
  registers: [registry],
})

let wsClientCount: () => number = () => 0
export const wsClients = new Gauge({
  name: 'sigap_ws_clients',
  help: 'WebSocket clients connected to this process',
  registers: [registry],
  collect() {
    this.set(wsClientCount())
  },
})

/** Where the WebSocket client count comes from (the server's hub: `() => hub.size`). */
export function trackWsClients(count: () => number): void {
  wsClientCount = count
}

const fed = new WeakSet<EventFeed>()
/** Counts stored reports and measures event lag from a feed (once per feed). */
export function observeFeed(feed: EventFeed): () => void {
  if (fed.has(feed)) return () => {}
  fed.add(feed)
  const unsubscribe = feed.subscribe((events) => {
    const now = Date.now()
    for (const ev of events) {
      eventLag.observe(Math.max(0, now - ev.created_at.getTime()) / 1000)
      if (ev.type === 'report.created') {
        const channel = (ev.data as { channel?: unknown }).channel
        reportsCreated.inc({ channel: typeof channel === 'string' ? channel : 'unknown' })
      }
    }
  })
  return () => {
    fed.delete(feed)
    unsubscribe()
  }
}

/** Request latency by route pattern (never the raw path: ids would explode the series). */
export function httpMetrics(): MiddlewareHandler {
  return async (c, next) => {
    const end = httpDuration.startTimer()
    try {
      await next()
    } finally {
      const route = matchedRoutes(c)[c.req.routeIndex]?.path
      end({ method: c.req.method, route: route && !route.endsWith('*') ? route : 'unmatched', status: String(c.res.status) })
    }
  }
}
