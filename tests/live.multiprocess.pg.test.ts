import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { connect } from '../server/db/connect.js'
import { EventFeed } from '../server/events/event.feed.js'
import { appendEvent, writeAndPublish, type StoredEvent } from '../server/events/event.repository.js'
import { startServer, type Running } from '../server/server.js'
import { testConfig } from './helpers/app.js'
import { createTestDb } from './helpers/db.js'
import { reportInput } from './helpers/factories.js'
import { TestSocket } from './helpers/ws-client.js'

// PostgreSQL only (several connections and processes): vitest.config.ts includes *.pg.test.ts when DATABASE_URL is set.

let db: Awaited<ReturnType<typeof createTestDb>>
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db?.close())

describe('several server processes on one PostgreSQL', () => {
  let a: Running, b: Running
  beforeAll(async () => {
    a = await startServer(testConfig(), { db })
    b = await startServer(testConfig(), { db: await connect({ databaseUrl: db.url!, dataDir: '' }) })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await b?.deps.db.close()
  })

  it('delivers an event posted to one server to the screens of another', async () => {
    const sock = await TestSocket.open(b.url)
    const res = await fetch(`${a.url}/api/reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(reportInput()) })
    const { id } = (await res.json()) as { id: string }
    await sock.waitFor(() => sock.events().some((e) => (e.data as { id: string }).id === id))
    sock.close()
  })
})

describe('event feed ordering under concurrent transactions', () => {
  async function collect(feed: EventFeed) {
    const got: StoredEvent[] = []
    feed.subscribe((evs) => got.push(...evs))
    return got
  }
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 25))
  }

  /** A transaction that has appended an event (seq) and commits only when told. */
  async function slowTransaction() {
    let release!: () => void
    const mayCommit = new Promise<void>((r) => (release = r))
    let seq = 0
    const done = db.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx)
      seq = (await appendEvent(trx, 'catalogue.changed', { what: 'test.slow' }))!
      await mayCommit
    })
    await until(() => seq > 0)
    return { seq, commit: () => (release(), done) }
  }

  it('holds back a later event until an earlier, slower transaction commits, then sends both in order', async () => {
    const feed = new EventFeed(db)
    await feed.start()
    const got = await collect(feed)
    const { seq: slowSeq, commit } = await slowTransaction()
    const fastSeq = await db.db.transaction().execute((trx) => appendEvent(trx, 'catalogue.changed', { what: 'test.fast' }))
    expect(fastSeq).toBeGreaterThan(slowSeq)
    feed.poke()
    await new Promise((r) => setTimeout(r, 300))
    expect(got.map((e) => (e.data as { what: string }).what)).not.toContain('test.fast')
    await commit()
    feed.poke()
    await until(() => got.length >= 2)
    expect(got.map((e) => e.seq)).toEqual([slowSeq, fastSeq])
    await feed.stop()
  })

  it("holds a transaction's own events back behind an earlier one still running, then hands out both in order", async () => {
    const feed = new EventFeed(db)
    await feed.start()
    const got = await collect(feed)
    const { seq: slowSeq, commit } = await slowTransaction()
    await writeAndPublish(db.db, feed, (trx) => appendEvent(trx, 'catalogue.changed', { what: 'test.own' }))
    await new Promise((r) => setTimeout(r, 300))
    expect(got).toEqual([])
    await commit()
    feed.poke()
    await until(() => got.length >= 2)
    await new Promise((r) => setTimeout(r, 100))
    expect(got.map((e) => (e.data as { what: string }).what)).toEqual(['test.slow', 'test.own'])
    expect(got[1]!.seq).toBeGreaterThan(slowSeq)
    await feed.stop()
  })

  it('passes over the number of a rolled-back transaction once it has ended', async () => {
    const feed = new EventFeed(db)
    await feed.start()
    const got = await collect(feed)
    await db.db
      .transaction()
      .execute(async (trx) => {
        await appendEvent(trx, 'catalogue.changed', { what: 'test.rolledback' })
        throw new Error('roll back')
      })
      .catch(() => {})
    const seq = await db.db.transaction().execute((trx) => appendEvent(trx, 'catalogue.changed', { what: 'test.after' }))
    feed.poke()
    await until(() => got.length >= 1)
    expect(got.map((e) => [(e.data as { what: string }).what, e.seq])).toEqual([['test.after', seq]])
    await feed.stop()
  })
})
