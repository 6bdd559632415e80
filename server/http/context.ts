import type { Config } from '../config.js'
import type { CategoryCatalog } from '../categories/category.repository.js'
import type { Db } from '../db/connect.js'
import type { EventFeed } from '../events/event.feed.js'
import type { Principal } from '../auth/principal.js'
import type { Logger } from '../logger.js'

/** What every route needs, built once at start-up and handed to the app. */
export interface Deps {
  db: Db
  config: Config
  feed: EventFeed
  categories: CategoryCatalog
  log: Logger
  /**
   * Who sent a request (HTTP or WebSocket upgrade), from its headers; null when nobody is
   * signed in. The one place identity is decided, for the API and the socket alike.
   */
  authenticate: (headers: Headers) => Promise<Principal | null>
}

export interface AppEnv {
  Variables: {
    deps: Deps
    principal: Principal
  }
}
