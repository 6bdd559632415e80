import type { Context } from 'hono'
import { Backoff } from '../http/backoff.js'
import { clientAddress } from '../http/client-address.js'
import type { AppEnv } from '../http/context.js'

/**
 * Ticket numbers are 8 hex characters: anyone could walk them and learn where and what people
 * reported. Misses (numbers that are no ticket) are counted per client address; after
 * FREE_MISSES the address must wait, doubling, as sign-in does. A citizen who mistypes their
 * number a few times never notices.
 */
export const FREE_MISSES = 30

export class LookupThrottle {
  private readonly backoff: Backoff

  constructor(now: () => number = Date.now) {
    this.backoff = new Backoff(now)
  }

  /** Seconds this request's client must wait before looking up another number; 0 if it may now. */
  waitSeconds(c: Context<AppEnv>): number {
    return Math.ceil(this.backoff.waitMs(keyOf(c), FREE_MISSES) / 1000)
  }

  missed(c: Context<AppEnv>) {
    this.backoff.failed(keyOf(c))
  }
}

const keyOf = (c: Context<AppEnv>) => clientAddress(c, c.var.deps.config.SIGAP_TRUSTED_PROXIES)
