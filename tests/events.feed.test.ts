import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../server/db/connect.js'
import { EventFeed } from '../server/events/event.feed.js'
import { appendEvent, readEventsAfter, writeAndPublish, type StoredEvent } from '../server/events/event.repository.js'
import { createTestDb } from './helpers/db.js'

// The events a process commits itself reach its own screens straight from the writer
// (writeAndPublish): on both databases, and whether the commit's NOTIFY comes before its answer
// (PGlite, one connection) or after (PostgreSQL). Ordering behind other transactions:
// live.multiprocess.pg.test.ts.

let db: Db
beforeAll(async () => {
  db = await createTestDb()
})
afterAll(() => db?.close())

/**
 * Counts the events the feed reads from the log: the feed is given a database whose answers are
 * counted. Its fallback poll (every second) may read in the meantime, but finds no event.
 */
function counted(): { db: Db; eventsRead: () => number } {
  let n = 0
  const plugin = {
    transformQuery: <T>(args: { node: T }) => args.node,
    transformResult: async <R extends { rows: unknown[] }>(args: { result: R }) => {
      n += args.result.rows.filter((r) => (r as { seq?: unknown }).seq != null).length
      return args.result
    },
  }
  return { db: { ...db, db: db.db.withPlugin(plugin) }, eventsRead: () => n }
}

describe("a process's own events", () => {
  it('are handed to its listeners as written, at once, once, and without a read of the log', async () => {
    const c = counted()
    const feed = new EventFeed(c.db)
    await feed.start()
    const got: StoredEvent[] = []
    feed.subscribe((evs) => got.push(...evs))
    const readBefore = c.eventsRead()
    await writeAndPublish(db.db, feed, async (trx) => {
      for (const what of ['own-1', 'own-2']) await appendEvent(trx, 'catalogue.changed', { what })
    })
    expect(got.map((e) => (e.data as { what: string }).what)).toEqual(['own-1', 'own-2'])
    await new Promise((r) => setTimeout(r, 300)) // the commit's NOTIFY has come and gone
    expect(c.eventsRead()).toBe(readBefore)
    const log = await readEventsAfter(db.db, got[0]!.seq - 1, 2)
    expect(got).toEqual(log.events)
    // The log is read on after them: a later event from elsewhere comes once, after them.
    const laterSeq = await db.db.transaction().execute((trx) => appendEvent(trx, 'catalogue.changed', { what: 'other' }))
    feed.poke()
    for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 20))
    await new Promise((r) => setTimeout(r, 100))
    expect(got.map((e) => e.seq)).toEqual([...log.events.map((e) => e.seq), laterSeq])
    await feed.stop()
  })
})

// writeAndPublish sends the statement that writes the events with the COMMIT right behind it,
// and a transaction's BEGIN with its first statement (server/db/pipelined-dialect.ts): no answer
// waited for between them. What a caller relies on must hold all the same.
describe('a transaction sent without waiting between its statements', () => {
  const holiday = (day: string) => db.db.selectFrom('holidays').select('name').where('day', '=', day).executeTakeFirst()

  it('stores nothing, and says so, when its events cannot be stored, though the COMMIT was already sent', async () => {
    const said: string[] = []
    const feed = { expecting: () => ({ committed: () => said.push('committed'), failed: () => said.push('failed') }) }
    // The catalogue takes the text; PostgreSQL refuses a NUL in jsonb, so only the database says no.
    await expect(
      writeAndPublish(db.db, feed, async (trx) => {
        await trx.insertInto('holidays').values({ day: '2031-01-02', name: 'pipelined, refused' }).execute()
        await appendEvent(trx, 'catalogue.changed', { what: 'bad \u0000 text' })
      }),
    ).rejects.toThrow(/unicode|\\u0000/i)
    expect(await holiday('2031-01-02')).toBeUndefined()
    expect(said).not.toContain('committed')
    // The connection serves the next transaction as usual.
    await writeAndPublish(db.db, feed, async (trx) => {
      await trx.insertInto('holidays').values({ day: '2031-01-03', name: 'pipelined, stored' }).execute()
      await appendEvent(trx, 'catalogue.changed', { what: 'fine' })
    })
    expect(await holiday('2031-01-03')).toEqual({ name: 'pipelined, stored' })
    expect(said.at(-1)).toBe('committed')
    expect((await readEventsAfter(db.db, 0, 10_000)).events.filter((e) => (e.data as { what?: string }).what === 'fine')).toHaveLength(1)
  })

  it('undoes its first statement when a later one fails: the BEGIN sent with it took effect', async () => {
    await expect(
      db.db.transaction().execute(async (trx) => {
        await trx.insertInto('holidays').values({ day: '2031-01-04', name: 'first statement' }).execute()
        await trx.insertInto('holidays').values({ day: '2031-01-04', name: 'the same day again' }).execute()
      }),
    ).rejects.toThrow(/duplicate key/)
    expect(await holiday('2031-01-04')).toBeUndefined()
  })
})
