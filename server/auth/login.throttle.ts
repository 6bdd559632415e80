import type { Context } from 'hono'
import type { IncomingMessage } from 'node:http'

/** Failed sign-ins an account may have before it must wait; an address (many accounts) gets more. */
export const FREE_FAILURES = { account: 5, address: 20 } as const
/** The first wait after the free failures; each further failure doubles it, up to the cap. */
const FIRST_WAIT_MS = 1000
const MAX_WAIT_MS = 15 * 60_000
/** Failures are forgotten after this long without one. */
const FORGET_AFTER_MS = 30 * 60_000
/** Keys held at most: a flood of made-up usernames cannot grow the process without bound. */
const MAX_KEYS = 50_000

interface Failures {
  count: number
  last: number
}

/**
 * Backoff for sign-in, per account (the username as typed, lower-cased) and per address (the
 * TCP peer). In memory: each server process keeps its own tally, and a restart forgets it.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, Failures>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds to wait before this account may try again from this address; 0 if it may now. */
  waitMs(username: string, address: string): number {
    return Math.max(this.waitOf(accountKey(username), FREE_FAILURES.account), this.waitOf(addressKey(address), FREE_FAILURES.address))
  }

  failed(username: string, address: string) {
    for (const key of [accountKey(username), addressKey(address)]) {
      const f = this.current(key)
      this.failures.delete(key) // re-inserted last: the map's order is the eviction order
      this.failures.set(key, { count: (f?.count ?? 0) + 1, last: this.now() })
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!)
  }

  /** A right password clears the account's tally; the address keeps its own (one good account must not wash away guesses at others). */
  succeeded(username: string) {
    this.failures.delete(accountKey(username))
  }

  private current(key: string): Failures | undefined {
    const f = this.failures.get(key)
    if (f && this.now() - f.last > FORGET_AFTER_MS) {
      this.failures.delete(key)
      return undefined
    }
    return f
  }

  private waitOf(key: string, free: number): number {
    const f = this.current(key)
    if (!f || f.count < free) return 0
    const wait = Math.min(FIRST_WAIT_MS * 2 ** Math.min(f.count - free, 20), MAX_WAIT_MS)
    return Math.max(0, f.last + wait - this.now())
  }
}

const accountKey = (username: string) => `u:${username.trim().toLowerCase()}`
const addressKey = (address: string) => `a:${address}`

/**
 * The client of a request: the TCP peer (@hono/node-server passes the Node request as
 * `incoming`), or, when that peer is one of `trusted` proxies, the right-most address in
 * X-Forwarded-For that is not itself a trusted proxy. Left-most entries are whatever the client
 * wrote, so only the hops our own proxies appended are believed.
 */
export function clientAddress(c: Context, trusted: readonly string[] = []): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const peer = incoming?.socket?.remoteAddress ?? 'unknown'
  return forwardedClient(peer, c.req.header('x-forwarded-for'), trusted)
}

export function forwardedClient(peer: string, forwardedFor: string | undefined, trusted: readonly string[]): string {
  const isTrusted = (a: string) => trusted.includes(a) || trusted.includes(a.replace(/^::ffff:/, ''))
  if (!isTrusted(peer) || !forwardedFor) return peer
  const hops = forwardedFor.split(',').map((h) => h.trim()).filter((h) => h !== '')
  for (let i = hops.length - 1; i >= 0; i--) {
    // A hop that is not an address (a client's junk) ends the chain we can believe.
    if (!/^[0-9a-fA-F:.]{2,45}$/.test(hops[i]!)) return peer
    if (!isTrusted(hops[i]!)) return hops[i]!
  }
  return peer
}
