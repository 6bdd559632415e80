import { Backoff } from '../http/backoff.js'

/** Failed sign-ins an account may have before it must wait; an address (many accounts) gets more. */
export const FREE_FAILURES = { account: 5, address: 20 } as const

/**
 * Backoff for sign-in, per account (the username as typed, lower-cased) and per address (the
 * client, see clientAddress).
 */
export class LoginThrottle {
  private readonly backoff: Backoff

  constructor(now: () => number = Date.now) {
    this.backoff = new Backoff(now)
  }

  /** Milliseconds to wait before this account may try again from this address; 0 if it may now. */
  waitMs(username: string, address: string): number {
    return Math.max(this.backoff.waitMs(accountKey(username), FREE_FAILURES.account), this.backoff.waitMs(addressKey(address), FREE_FAILURES.address))
  }

  failed(username: string, address: string) {
    this.backoff.failed(accountKey(username))
    this.backoff.failed(addressKey(address))
  }

  /** A right password clears the account's tally; the address keeps its own (one good account must not wash away guesses at others). */
  succeeded(username: string) {
    this.backoff.clear(accountKey(username))
  }
}

const accountKey = (username: string) => `u:${username.trim().toLowerCase()}`
const addressKey = (address: string) => `a:${address}`
