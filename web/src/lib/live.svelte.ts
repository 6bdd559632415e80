import type { EventPayload, EventType } from '../../../server/events/event.catalog'
import { catalogued, ServerMessage, STALE_AFTER_MS, type ClientMessage } from '../../../server/events/ws.protocol'
import { serverClock } from './server-clock'

export type LiveStatus = 'connecting' | 'live' | 'stale' | 'down'

/** One event from the log, parsed through the event catalogue: `data` is typed by `event`. */
export type LiveEvent = { [T in EventType]: { seq: number; event: T; data: EventPayload<T>; at: string } }[EventType]

type Handler = (batch: LiveEvent[]) => void
type ResyncHandler = () => Promise<number>

export interface LiveOptions {
  /**
   * Called when the server serves another build of the screens than the one running here (a
   * deploy while the screen stayed open). Only screens nobody types into should reload.
   */
  onNewBuild?: (build: string) => void
}

/** The build this page runs (its entry script, as the server reads it: server/http/web-build.ts). */
function pageBuild(): string | null {
  if (!import.meta.env.PROD || typeof document === 'undefined') return null // the dev server has no build
  return document.querySelector('script[type="module"][src]')?.getAttribute('src') ?? null
}

/**
 * The one owner of the WebSocket for a screen. Resumes from the last sequence number it saw
 * after any drop (network, server restart), so no event is missed; hands events to the
 * screen in batches, at most once per animation frame, so a burst touches the map once.
 */
export class LiveConnection {
  status = $state<LiveStatus>('connecting')
  lastSeq = $state(0)
  lastMessageAt = $state<number | null>(null)
  lastEventAt = $state<number | null>(null)

  private ws: WebSocket | null = null
  private handlers = new Set<Handler>()
  private queue: LiveEvent[] = []
  private flushScheduled = false
  private retryMs = 500
  private closed = false
  private watchdog: ReturnType<typeof setInterval> | null = null
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly url: string,
    /** Reloads the screen's state over HTTP and returns the seq that state is current to. */
    private readonly resync: ResyncHandler,
    private readonly options: LiveOptions = {},
  ) {}

  /** Starts after the screen loaded its state as of `seq`. */
  start(seq: number) {
    this.lastSeq = seq
    this.connect()
    this.watchdog = setInterval(() => this.checkStale(), 1000)
  }

  onEvents(h: Handler): () => void {
    this.handlers.add(h)
    return () => this.handlers.delete(h)
  }

  stop() {
    this.closed = true
    if (this.watchdog) clearInterval(this.watchdog)
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.ws?.close()
  }

  private connect() {
    if (this.closed) return
    this.status = this.status === 'live' ? 'stale' : this.status === 'down' ? 'down' : 'connecting'
    const ws = new WebSocket(this.url)
    this.ws = ws
    // The subscribe waits for hello: its seq tells whether our state is still of this log.
    ws.onmessage = (e) => this.onMessage(e.data as string)
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ws = null
      if (this.closed) return
      this.status = 'down'
      this.reconnectTimer = setTimeout(() => this.connect(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, 10_000)
    }
  }

  private send(msg: ClientMessage) {
    this.ws?.send(JSON.stringify(msg))
  }

  private onMessage(raw: string) {
    let msg: ServerMessage
    try {
      const parsed = ServerMessage.safeParse(JSON.parse(raw))
      if (!parsed.success) return
      msg = parsed.data
    } catch {
      return
    }
    this.lastMessageAt = Date.now()
    switch (msg.type) {
      case 'event':
        if (msg.seq <= this.lastSeq) return
        this.lastSeq = msg.seq
        this.lastEventAt = Date.now()
        this.queueEvent(msg)
        return
      case 'caught_up':
        this.status = 'live'
        this.retryMs = 500
        return
      case 'resync':
      case 'reset':
        void this.doResync()
        return
      default:
        if (msg.type === 'hello' || msg.type === 'heartbeat') serverClock.observe(msg.server_time)
        if (msg.type === 'hello' && msg.build && this.options.onNewBuild) {
          const mine = pageBuild()
          if (mine && mine !== msg.build) this.options.onNewBuild(msg.build)
        }
        if (msg.type === 'hello') {
          // A log behind what we have seen was restored or replaced: what we show is of
          // another history. Reload it all rather than wait for a seq that never comes.
          if (msg.seq < this.lastSeq) void this.doResync()
          else this.send({ type: 'subscribe', since: this.lastSeq })
        }
        if (this.status === 'stale') this.status = 'live'
    }
  }

  /**
   * Through the catalogue the server appended it by. One that does not parse (a server of
   * another build; the page is told to reload by onNewBuild) is passed over, its seq counted.
   */
  private queueEvent(msg: Extract<ServerMessage, { type: 'event' }>) {
    const ev = catalogued(msg)
    if (!ev) {
      console.warn(`sigap: event ${msg.seq} (${msg.event}) does not match this build's event catalogue`)
      return
    }
    this.queue.push({ seq: msg.seq, event: ev.type, data: ev.data, at: msg.at } as LiveEvent)
    this.scheduleFlush()
  }

  private resyncing = false

  private async doResync() {
    if (this.resyncing) return
    this.resyncing = true
    this.queue = []
    try {
      this.lastSeq = await this.resync()
      this.send({ type: 'subscribe', since: this.lastSeq })
    } catch {
      this.ws?.close()
    } finally {
      this.resyncing = false
    }
  }

  private scheduleFlush() {
    if (this.flushScheduled) return
    this.flushScheduled = true
    const flush = () => {
      this.flushScheduled = false
      const batch = this.queue
      this.queue = []
      for (const h of this.handlers) h(batch)
    }
    // A hidden tab gets no animation frames; fall back to a timer there.
    if (typeof document !== 'undefined' && document.hidden) setTimeout(flush, 250)
    else requestAnimationFrame(flush)
  }

  private checkStale() {
    if (this.status !== 'live' || this.lastMessageAt === null) return
    if (Date.now() - this.lastMessageAt > STALE_AFTER_MS) this.status = 'stale'
  }
}

export function wsUrl(path = '/ws'): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${proto}//${location.host}${path}`
}

/**
 * The first load of a screen that then follows the live stream: retried with back-off (1 s
 * doubling to 15 s) until it works, since a tablet or desk may open while the server is away.
 * Answers the event seq the loaded state is current to, to subscribe from.
 */
export async function loadWithRetry(load: () => Promise<number>, onFail: () => void): Promise<number> {
  for (let wait = 1000; ; wait = Math.min(wait * 2, 15_000)) {
    try {
      return await load()
    } catch {
      onFail()
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}
