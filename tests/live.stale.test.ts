import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventFeed } from '../server/events/event.feed.js'
import { WsHub } from '../server/events/ws.hub.js'
import { createTestDb } from './helpers/db.js'
import { TestSocket } from './helpers/ws-client.js'

// A screen trusts its data while heartbeats arrive. When the server is up but its database is
// not (a PostgreSQL restart, a failover), nothing new can reach the screen: the server must
// stop vouching for it, so that the screen turns to its "may be stale" warning.

let db: Awaited<ReturnType<typeof createTestDb>>
let feed: EventFeed
let hub: WsHub<string>
let http: Server
let url: string

beforeAll(async () => {
  db = await createTestDb()
  feed = new EventFeed(db)
  await feed.start()
  // Quick heartbeats for the test; the log counts as unreadable after 2.5 s (it is read every second).
  hub = new WsHub<string>({ db, feed, authenticate: async () => 'screen', filter: (_p, e) => e.data, viewer: () => ({ admin: true, place: { all: true }, regions: { all: true } }), heartbeatMs: 200, feedStaleMs: 2500 })
  http = createServer()
  http.on('upgrade', (req, socket, head) => void hub.handleUpgrade(req, socket, head))
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterAll(async () => {
  await hub?.close()
  await new Promise((r) => http?.close(r))
  await feed?.stop()
  await db?.close()
})

describe('WebSocket heartbeats', () => {
  it('stop while the event log cannot be read, and come back when it can', async () => {
    const sock = await TestSocket.open(url)
    const heartbeats = () => sock.messages.filter((m) => m.type === 'heartbeat').length
    await sock.waitFor(() => heartbeats() >= 2, 3000)

    // The log becomes unreadable, as when the database is away.
    await sql`ALTER TABLE events RENAME TO events_away`.execute(db.db)
    try {
      await sleep(3500)
      const silentFrom = heartbeats()
      await sleep(1500)
      expect(heartbeats()).toBe(silentFrom)
      expect(sock.ws.readyState).toBe(sock.ws.OPEN)
    } finally {
      await sql`ALTER TABLE events_away RENAME TO events`.execute(db.db)
    }
    const before = heartbeats()
    await sock.waitFor(() => heartbeats() > before, 5000)
    sock.close()
  })
})
