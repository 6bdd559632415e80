import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket } from 'ws'
import type { Db } from '../db/connect.js'
import type { EventFeed } from './event.feed.js'
import { readEventsAfter, type StoredEvent } from './event.repository.js'
import { ClientMessage, HEARTBEAT_MS, type ServerMessage } from './ws.protocol.js'

/** Beyond this many missed events a client reloads over HTTP instead of replaying. */
const MAX_REPLAY = 50_000
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

interface Client<P> {
  ws: WebSocket
  principal: P
  /** Highest seq this client has been sent (or chose to start after). */
  cursor: number
  /** null until the client subscribed and its backlog was sent; live events wait here meanwhile. */
  live: boolean
  pending: StoredEvent[]
  lastPong: number
}

export interface WsHubOptions<P> {
  db: Db
  feed: EventFeed
  authenticate: (req: IncomingMessage) => Promise<P | null>
  filter: EventFilter<P>
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
}

export class WsHub<P> {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  private readonly clients = new Set<Client<P>>()
  private readonly timer: NodeJS.Timeout
  private readonly unsubscribe: () => void

  constructor(private readonly opts: WsHubOptions<P>) {
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
    const client: Client<P> = { ws, principal, cursor: this.opts.feed.lastSeq, live: false, pending: [], lastPong: Date.now() }
    this.clients.add(client)
    ws.on('pong', () => (client.lastPong = Date.now()))
    ws.on('close', () => this.clients.delete(client))
    ws.on('error', () => ws.terminate())
    ws.on('message', (raw) => void this.onMessage(client, raw.toString()))
    this.send(client, { type: 'hello', seq: this.opts.feed.lastSeq, server_time: new Date().toISOString(), build: this.opts.build ?? null })
  }

  private async onMessage(client: Client<P>, raw: string) {
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
    await this.subscribe(client, msg.since)
  }

  private async subscribe(client: Client<P>, since: number | undefined) {
    client.live = false
    client.pending = []
    const upTo = this.opts.feed.lastSeq
    client.cursor = since ?? upTo
    if (upTo - client.cursor > MAX_REPLAY) {
      client.cursor = upTo
      this.send(client, { type: 'resync', seq: upTo })
    } else {
      // Replay from the log up to what the feed has delivered; anything newer arrives
      // meanwhile in `pending` and is flushed below, so nothing is sent twice or skipped.
      try {
        while (client.cursor < upTo && client.ws.readyState === WebSocket.OPEN) {
          const page = await readEventsAfter(this.opts.db.db, client.cursor, 1000)
          const events = page.events.filter((e) => e.seq <= upTo)
          if (events.length === 0) break
          this.deliver(client, events)
          client.cursor = Math.max(client.cursor, events.at(-1)!.seq)
        }
        client.cursor = Math.max(client.cursor, upTo)
      } catch {
        client.ws.close(1011, 'replay failed')
        return
      }
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
        client.pending.push(...events)
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
