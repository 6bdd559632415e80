import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { WebSocketServer, WebSocket } from 'ws'
import type { Db } from '../db/connect.js'
import type { EventFeed } from './event.feed.js'
import { latestSeq, readEventsAfter, type StoredEvent } from './event.repository.js'
import type { EventViewer } from './event.visibility.js'
import { ClientMessage, HEARTBEAT_MS, type ServerMessage } from './ws.protocol.js'

/** Beyond this many missed events a client reloads over HTTP instead of replaying. */
const MAX_REPLAY = 50_000
/** Events read from the log per replay page. */
const REPLAY_PAGE = 500
/**
 * A replay sends on only while the socket holds less than this unsent, event by event: a page of
 * large events (500 of 10 kB is 5 MB) sent at once to a screen reading slowly went past
 * MAX_BUFFERED_BYTES and cut it off, depending on how much the kernel's buffers had taken.
 */
const REPLAY_DRAIN_BYTES = 512 * 1024
/** A client whose socket has this much unsent data is cut off; it reconnects and resumes. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
/** No pong for this long: the peer is gone (a weak tablet network gets generous slack). */
const DEAD_AFTER_MS = 45_000
/**
 * The feed reads the log at least every second; unread for two default heartbeats means the
 * database is away. Not shorter: on PGlite one long statement holds the only connection.
 */
const FEED_STALE_MS = 2 * HEARTBEAT_MS

/**
 * Decides what one client may see of an event: the data to send, or null to hold it back.
 * The single place where per-role filtering of the live stream happens.
 */
export type EventFilter<P> = (principal: P, event: StoredEvent) => unknown | null

/**
 * What one socket may ask of the server. A screen sends a subscribe on connect and after each
 * reload, and pings rarely: far below these. A socket over them is closed (1008) and may reconnect.
 */
export interface WsLimits {
  /** Messages a socket may send per window... */
  messages: number
  /** ...of this many milliseconds. */
  windowMs: number
  /** Live events held for a socket while its replay runs; more, and it is told to reload instead. */
  pending: number
}
export const WS_LIMITS: WsLimits = { messages: 30, windowMs: 10_000, pending: 10_000 }

interface Client<P> {
  ws: WebSocket
  principal: P
  /** Highest seq this client has been sent (or chose to start after). */
  cursor: number
  /** null until the client subscribed and its backlog was sent; live events wait here meanwhile. */
  live: boolean
  pending: StoredEvent[]
  lastPong: number
  /** A replay is running: one at a time per socket; a subscribe meanwhile is refused. */
  replaying: boolean
  /** More live events arrived during the replay than are held: the client must reload. */
  overflow: boolean
  windowStart: number
  windowCount: number
  /** Settles once hello is sent: messages wait for it, so hello is always the first answer. */
  greeted: Promise<void>
}

export interface WsHubOptions<P> {
  db: Db
  feed: EventFeed
  authenticate: (req: IncomingMessage) => Promise<P | null>
  filter: EventFilter<P>
  /**
   * What a principal may see, for the replay to read only that from the log (in the query). The
   * live filter must agree with it (auth/event.filter.ts builds both from one EventViewer).
   */
  viewer: (principal: P) => EventViewer
  /** Between heartbeats (default HEARTBEAT_MS). */
  heartbeatMs?: number
  /**
   * No heartbeat while the event log has not been read for this long (default FEED_STALE_MS):
   * a heartbeat tells a screen its data is current, which it then is not. Screens show a
   * warning after STALE_AFTER_MS without a message (web/src/lib/live.svelte.ts).
   */
  feedStaleMs?: number
  /** The build of the screens this server serves (web-build.ts), told to each client in its hello. */
  build?: string | null
  limits?: Partial<WsLimits>
}

export class WsHub<P> {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly clients = new Set<Client<P>>()
  private readonly timer: NodeJS.Timeout
  private readonly unsubscribe: () => void
  private readonly limits: WsLimits

  constructor(private readonly opts: WsHubOptions<P>) {
    this.limits = { ...WS_LIMITS, ...opts.limits }
    this.unsubscribe = opts.feed.subscribe((events) => this.broadcast(events))
    this.timer = setInterval(() => this.heartbeat(), opts.heartbeatMs ?? HEARTBEAT_MS)
    this.timer.unref()
  }

  get size(): number {
    return this.clients.size
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let principal: P | null
    try {
      principal = await this.opts.authenticate(req)
    } catch {
      principal = null
    }
    if (principal === null) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, principal as P))
  }

  private accept(ws: WebSocket, principal: P) {
    const client: Client<P> = {
      ws,
      principal,
      cursor: this.opts.feed.lastSeq,
      live: false,
      pending: [],
      lastPong: Date.now(),
      replaying: false,
      overflow: false,
      windowStart: Date.now(),
      windowCount: 0,
      greeted: Promise.resolve(),
    }
    this.clients.add(client)
    ws.on('pong', () => (client.lastPong = Date.now()))
    ws.on('close', () => this.clients.delete(client))
    ws.on('error', () => ws.terminate())
    ws.on('message', (raw) => void this.onMessage(client, raw.toString()))
    client.greeted = this.logSeq().then((seq) => {
      this.send(client, { type: 'hello', seq, server_time: new Date().toISOString(), build: this.opts.build ?? null })
    })
  }

  /**
   * The log's newest seq. The feed can trail the log by a poll; a screen that just loaded its
   * state over HTTP may hold a newer seq than the feed, and must not be told it is ahead of the log.
   */
  private async logSeq(): Promise<number> {
    try {
      return Math.max(this.opts.feed.lastSeq, await latestSeq(this.opts.db.db))
    } catch {
      return this.opts.feed.lastSeq
    }
  }

  private async onMessage(client: Client<P>, raw: string) {
    await client.greeted
    if (!this.withinRate(client)) {
      client.ws.close(1008, 'too many messages')
      this.clients.delete(client)
      return
    }
    let msg: ClientMessage
    try {
      const parsed = ClientMessage.safeParse(JSON.parse(raw))
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
      msg = parsed.data
    } catch (err) {
      this.send(client, { type: 'error', code: 'bad_message', message: (err as Error).message })
      return
    }
    if (msg.type === 'ping') {
      this.send(client, { type: 'pong', seq: client.live ? client.cursor : this.opts.feed.lastSeq })
      return
    }
    if (client.replaying) {
      this.send(client, { type: 'error', code: 'subscribe_busy', message: 'A replay is already running on this socket: wait for caught_up' })
      return
    }
    client.replaying = true
    try {
      await this.subscribe(client, msg.since)
    } finally {
      client.replaying = false
      client.pending = []
    }
  }

  private withinRate(client: Client<P>): boolean {
    const now = Date.now()
    if (now - client.windowStart >= this.limits.windowMs) {
      client.windowStart = now
      client.windowCount = 0
    }
    return ++client.windowCount <= this.limits.messages
  }

  private async subscribe(client: Client<P>, since: number | undefined) {
    client.live = false
    client.pending = []
    client.overflow = false
    const upTo = this.opts.feed.lastSeq
    client.cursor = since ?? upTo
    if (client.cursor > upTo && client.cursor > (await this.logSeq())) {
      // Ahead of the log: it was restored or replaced. Waiting for that seq would leave the
      // screen looking live but dead; its state belongs to another history, so it reloads.
      client.cursor = upTo
      this.send(client, { type: 'reset', seq: upTo, reason: 'ahead_of_log' })
    } else if (upTo - client.cursor > MAX_REPLAY) {
      client.cursor = upTo
      this.send(client, { type: 'resync', seq: upTo })
    } else {
      // Replay from the log up to what the feed has delivered; anything newer arrives
      // meanwhile in `pending` and is flushed below, so nothing is sent twice or skipped.
      const viewer = this.opts.viewer(client.principal)
      try {
        while (client.cursor < upTo && client.ws.readyState === WebSocket.OPEN) {
          // Only what this client may see, up to upTo: a page short of the limit is the end.
          const page = await readEventsAfter(this.opts.db.db, client.cursor, REPLAY_PAGE, { viewer, upTo })
          const events = page.events
          if (events.length === 0) break
          for (const ev of events) {
            // A slow screen paces its own replay: the next event waits until most is sent.
            while (client.ws.readyState === WebSocket.OPEN && client.ws.bufferedAmount > REPLAY_DRAIN_BYTES) await sleep(20)
            this.deliver(client, [ev])
          }
          client.cursor = Math.max(client.cursor, events.at(-1)!.seq)
        }
        client.cursor = Math.max(client.cursor, upTo)
      } catch {
        client.ws.close(1011, 'replay failed')
        return
      }
    }
    if (client.ws.readyState !== WebSocket.OPEN) return
    if (client.overflow) {
      // Too much arrived meanwhile to hold: reload rather than keep it all in memory.
      client.cursor = this.opts.feed.lastSeq
      client.pending = []
      this.send(client, { type: 'resync', seq: client.cursor })
    }
    const pending = client.pending.filter((e) => e.seq > client.cursor)
    client.pending = []
    client.live = true
    this.deliver(client, pending)
    this.send(client, { type: 'caught_up', seq: client.cursor })
  }

  private broadcast(events: StoredEvent[]) {
    for (const client of this.clients) {
      if (!client.live) {
        // Held only while a replay runs (a socket that never subscribed gets nothing), and only so many.
        if (client.replaying && !client.overflow) {
          if (client.pending.length + events.length > this.limits.pending) {
            client.overflow = true
            client.pending = []
          } else client.pending.push(...events)
        }
        continue
      }
      this.deliver(client, events)
    }
  }

  private deliver(client: Client<P>, events: StoredEvent[]) {
    for (const ev of events) {
      if (ev.seq <= client.cursor) continue
      client.cursor = Math.max(client.cursor, ev.seq)
      const data = this.opts.filter(client.principal, ev)
      if (data === null) continue
      this.sendText(client, this.eventText(ev, data))
    }
  }

  /**
   * An event as sent, serialised once for every client the filter gave the same data (on a
   * wall of 200 screens, once instead of 200 times).
   */
  private wire = new WeakMap<StoredEvent, Map<unknown, string>>()
  private eventText(ev: StoredEvent, data: unknown): string {
    let byData = this.wire.get(ev)
    if (!byData) this.wire.set(ev, (byData = new Map()))
    let text = byData.get(data)
    if (text === undefined) {
      const msg: ServerMessage = { type: 'event', seq: ev.seq, event: ev.type, data, at: ev.created_at.toISOString() }
      byData.set(data, (text = JSON.stringify(msg)))
    }
    return text
  }

  private send(client: Client<P>, msg: ServerMessage) {
    this.sendText(client, JSON.stringify(msg))
  }

  private sendText(client: Client<P>, text: string) {
    const { ws } = client
    if (ws.readyState !== WebSocket.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      // Holding data for a stalled screen would slow everyone; it resumes from its last seq.
      ws.close(4008, 'too slow: reconnect and resume')
      this.clients.delete(client)
      return
    }
    ws.send(text)
  }

  private heartbeat() {
    const now = new Date().toISOString()
    // The socket is still pinged (it stays open), but the screen is not told all is well.
    const current = Date.now() - this.opts.feed.lastReadAt < (this.opts.feedStaleMs ?? FEED_STALE_MS)
    for (const client of this.clients) {
      if (Date.now() - client.lastPong > DEAD_AFTER_MS) {
        client.ws.terminate()
        this.clients.delete(client)
        continue
      }
      client.ws.ping()
      if (current) this.send(client, { type: 'heartbeat', seq: client.live ? client.cursor : this.opts.feed.lastSeq, server_time: now })
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer)
    this.unsubscribe()
    // 1001 (going away): the screens reconnect and resume from their cursor, as after a deploy.
    // A client that does not answer the close within a second is cut off.
    await Promise.all(
      [...this.clients].map(
        (c) =>
          new Promise<void>((done) => {
            if (c.ws.readyState === c.ws.CLOSED) return done()
            const cut = setTimeout(() => (c.ws.terminate(), done()), 1000)
            c.ws.once('close', () => (clearTimeout(cut), done()))
            c.ws.close(1001, 'server shutting down')
          }),
      ),
    )
    this.clients.clear()
    await new Promise<void>((r) => this.wss.close(() => r()))
  }
}
