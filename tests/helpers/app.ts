import { createApiApp } from '../../server/app.js'
import { CategoryCatalog } from '../../server/categories/category.repository.js'
import { loadConfig, type Config } from '../../server/config.js'
import type { Db } from '../../server/db/connect.js'
import { EventFeed } from '../../server/events/event.feed.js'
import type { Deps } from '../../server/http/context.js'
import { createLogger } from '../../server/logger.js'
import { createTestDb } from './db.js'
import { sessionAuthenticator } from '../../server/auth/auth.service.js'
import type { UserRole } from '../../server/auth/principal.js'
import { createUser } from '../../server/users/user.service.js'

export interface TestApp {
  db: Db
  deps: Deps
  app: ReturnType<typeof createApiApp>
  /** JSON request helper: `await t.json('POST', '/api/reports', body)`. */
  json(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }> // eslint-disable-line @typescript-eslint/no-explicit-any -- test responses are checked field by field
  close(): Promise<void>
}

export function testConfig(overrides: Partial<Record<string, string>> = {}): Config {
  // SIGAP_WEB_DIST from the environment: browser tests may run against a build elsewhere.
  return loadConfig({ SIGAP_DEMO: '0', SIGAP_LOG: 'silent', PORT: '0', SIGAP_DATA_DIR: 'memory://', SIGAP_WEB_DIST: process.env.SIGAP_WEB_DIST, ...overrides })
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
    // Real sign-in by default (no cookie: anonymous display); tests may inject principals instead.
    authenticate: opts.authenticate ?? sessionAuthenticator(db.db),
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

let signedIn = 0

/**
 * Creates a user of the given role and signs them in through POST /api/auth/login; returns the
 * headers their requests carry (session cookie + the CSRF header our screens send).
 * Needs the app's default (session) authentication.
 */
export async function signIn(
  t: TestApp,
  role: UserRole,
  scope: { regionCodes?: string[]; agencyCode?: string } = {},
): Promise<{ headers: Record<string, string>; userId: string; username: string }> {
  const username = `${role}-${++signedIn}-${Math.random().toString(36).slice(2, 6)}`
  const password = 'test-password-123'
  const user = await createUser(
    t.db,
    { username, role, password, region_codes: scope.regionCodes, agency_code: scope.agencyCode ?? null },
    null,
  )
  const res = await t.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  return { headers: { cookie, 'x-requested-with': 'sigap' }, userId: user.id, username }
}
