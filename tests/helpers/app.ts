import { createApiApp } from '../../server/app.js'
import { CategoryCatalog } from '../../server/categories/category.repository.js'
import { loadConfig, type Config } from '../../server/config.js'
import type { Db } from '../../server/db/connect.js'
import { EventFeed } from '../../server/events/event.feed.js'
import type { Deps } from '../../server/http/context.js'
import { createLogger } from '../../server/logger.js'
import { createTestDb } from './db.js'

export interface TestApp {
  db: Db
  deps: Deps
  app: ReturnType<typeof createApiApp>
  /** JSON request helper: `await t.json('POST', '/api/reports', body)`. */
  json(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }> // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  close(): Promise<void>
}

export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  return loadConfig({ SIGAP_DEMO: '0', SIGAP_LOG: 'silent', PORT: '0', SIGAP_DATA_DIR: 'memory://', ...overrides })
}

/** The API on a fresh migrated database, called in-process. */
export async function createTestApp(opts: { db?: Db; config?: Config; authenticate?: Deps['authenticate'] } = {}): Promise<TestApp> {
  const db = opts.db ?? (await createTestDb())
  const config = opts.config ?? testConfig()
  const feed = new EventFeed(db)
  await feed.start()
  const deps: Deps = {
    db,
    config,
    feed,
    categories: new CategoryCatalog(db.db),
    log: createLogger('silent'),
    authenticate: opts.authenticate ?? (async () => null),
  }
  const app = createApiApp(deps)
  return {
    db,
    deps,
    app,
    async json(method, path, body, headers = {}) {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
      const text = await res.text()
      let parsed: unknown = text
      try {
        parsed = JSON.parse(text)
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed }
    },
    async close() {
      await feed.stop()
      if (!opts.db) await db.close()
    },
  }
}
