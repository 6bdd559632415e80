import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { appendEvents, latestSeq } from '../server/events/event.repository.js'
import type { ServerMessage } from '../server/events/ws.protocol.js'
import { startServer, type Running } from '../server/server.js'
import { createTestDb } from './helpers/db.js'
import { testConfig } from './helpers/app.js'
import { reportInput } from './helpers/factories.js'

/**
 * The live stream against hostile or confused clients: a socket that floods subscribes is
 * closed (1008) without one replay per message; one replay at a time; replays in pages; a
 * client ahead of the log is told to reset, and the screens' LiveConnection reloads.
 */
let db: Awaited<ReturnType<typeof createTestDb>>
let server: Running

beforeAll(async () => {
  db = await createTestDb()
  server = await startServer(testConfig(), { db })
})
afterAll(async () => {
  await server?.close()
  await db?.close()
})

class Raw {
  readonly msgs: ServerMessage[] = []
  closeCode: number | null = null
  readonly ws: WebSocket
  constructor() {
    this.ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws')
    this.ws.on('message', (m) => this.msgs.push(JSON.parse(m.toString()) as ServerMessage))
    this.ws.on('close', (code) => (this.closeCode = code))
  }
  static async open() {
    const r = new Raw()
    await r.until(() => r.msgs.some((m) => m.type === 'hello'))
    return r
  }
  send(msg: unknown) {
    this.ws.send(JSON.stringify(msg))
  }
  of<T extends ServerMessage['type']>(type: T) {
    return this.msgs.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type)
  }
  async until(cond: () => boolean, ms = 15_000) {
    await vi.waitFor(() => expect(cond()).toBe(true), { timeout: ms, interval: 20 })
  }
}

async function post() {
  const res = await fetch(`${server.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reportInput()) })
  expect(res.status).toBe(201)
  return ((await res.json()) as { id: string }).id
}

describe('the live stream\'s limits', () => {
  it('closes a socket that floods 10,000 subscribes since 0 with 1008, after at most one replay at a time; intake carries on', async () => {
    await post()
    const flood = await Raw.open()
    for (let i = 0; i < 10_000; i++) flood.send({ type: 'subscribe', since: 0 })
    await flood.until(() => flood.closeCode !== null)
    expect(flood.closeCode).toBe(1008)
    // Far fewer replays than messages: one at a time, and the socket cut off at the limit.
    expect(flood.of('caught_up').length).toBeLessThanOrEqual(30)
    await post()
    const other = await Raw.open()
    other.send({ type: 'subscribe' })
    await other.until(() => other.of('caught_up').length === 1)
    other.ws.close()
  })

  it('refuses a second subscribe while the first one\'s replay runs, and replays each event once', async () => {
    for (let i = 0; i < 3; i++) await post()
    const s = await Raw.open()
    s.send({ type: 'subscribe', since: 0 })
    s.send({ type: 'subscribe', since: 0 })
    await s.until(() => s.of('caught_up').length === 1)
    await s.until(() => s.of('error').length === 1)
    expect(s.of('error')[0]!.code).toBe('subscribe_busy')
    const seqs = s.of('event').map((e) => e.seq)
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))
    expect(seqs.at(-1)).toBe(s.of('caught_up')[0]!.seq)
    s.ws.close()
  })

  it('paces a replay to a screen that reads slowly instead of buffering the whole gap (which cut it off)', async () => {
    const before = await latestSeq(db.db)
    // A page of the replay (500 events) is 10 MB: more than the kernel's socket buffers take from
    // a reader that has stopped (about 4 MB here), so sent at once it would pass the 4 MiB cut-off.
    const note = 'x'.repeat(20_000)
    for (let i = 0; i < 2; i++) await appendEvents(db.db, 'catalogue.changed', Array.from({ length: 500 }, (_, j) => ({ what: `s-${i}-${j}`, note })))
    const upTo = await latestSeq(db.db)
    await vi.waitFor(() => expect(server.deps.feed.lastSeq).toBeGreaterThanOrEqual(upTo), { timeout: 60_000 })
    const s = await Raw.open()
    const socket = (s.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    s.send({ type: 'subscribe', since: before })
    socket.pause() // a tablet on a weak network: 20 MB of backlog takes it a while
    await new Promise((r) => setTimeout(r, 3000))
    socket.resume()
    await s.until(() => s.of('caught_up').length === 1 || s.closeCode !== null, 60_000)
    expect(s.closeCode).toBeNull()
    expect(s.of('event').filter((e) => e.seq <= upTo)).toHaveLength(upTo - before)
    s.ws.close()
  }, 90_000)

  it('replays a long gap in pages, every event exactly once, in order', async () => {
    const before = await latestSeq(db.db)
    await appendEvents(db.db, 'catalogue.changed', Array.from({ length: 1_234 }, (_, i) => ({ what: `t-${i}` })))
    const upTo = await latestSeq(db.db)
    await vi.waitFor(() => expect(server.deps.feed.lastSeq).toBe(upTo), { timeout: 60_000 })
    const s = await Raw.open()
    s.send({ type: 'subscribe', since: before })
    await s.until(() => s.of('caught_up').length === 1)
    expect(s.of('event').map((e) => e.seq)).toEqual(Array.from({ length: upTo - before }, (_, i) => before + 1 + i))
    s.ws.close()
  })

  it('tells a client that resumes after a seq the log does not have to reset, then streams to it', async () => {
    await post()
    const s = await Raw.open()
    const logSeq = s.of('hello')[0]!.seq
    expect(logSeq).toBe(await latestSeq(db.db))
    s.send({ type: 'subscribe', since: logSeq + 1000 }) // a wall that saw a log since restored from a backup
    await s.until(() => s.of('reset').length === 1)
    expect(s.of('reset')[0]).toEqual({ type: 'reset', seq: logSeq, reason: 'ahead_of_log' })
    const id = await post()
    await s.until(() => s.of('event').some((e) => (e.data as { id?: string }).id === id))
    s.ws.close()
  })
})

describe('web/src/lib/live.svelte.ts', () => {
  it('reloads its state when the server\'s hello is behind its own seq, and then follows the live stream', async () => {
    // The class's runes are plain fields here (no Svelte compiler in this test); the browser's WebSocket is ws's.
    vi.stubGlobal('$state', <T>(v: T) => v)
    vi.stubGlobal('WebSocket', WebSocket)
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0))
    const { LiveConnection } = await import('../web/src/lib/live.svelte.js')
    let reloads = 0
    const live = new LiveConnection(server.url.replace(/^http/, 'ws') + '/ws', async () => {
      reloads++
      return latestSeq(db.db)
    })
    const seen: string[] = []
    live.onEvents((batch) => seen.push(...batch.map((e) => (e.data as { id?: string }).id ?? '')))
    try {
      live.start((await latestSeq(db.db)) + 500) // state from before the log was restored
      await vi.waitFor(() => expect(live.status).toBe('live'), { timeout: 10_000 })
      expect(reloads).toBe(1)
      expect(live.lastSeq).toBe(await latestSeq(db.db))
      const id = await post()
      await vi.waitFor(() => expect(seen).toContain(id), { timeout: 10_000 })
    } finally {
      live.stop()
      vi.unstubAllGlobals()
    }
  })
})
