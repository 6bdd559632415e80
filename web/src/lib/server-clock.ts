/**
 * The server's time, as well as this screen can tell it. A wall PC's own clock is often wrong
 * (no time server on an office network, a flat CMOS battery), and a screen that trusts it shows
 * the wrong time on the command room's clock, drops or keeps reports by the wrong 24 hours and
 * never marks a report as new. The server stamps its time on the socket's hello and every
 * heartbeat; the screen keeps the difference to its own clock.
 */
export class ServerClock {
  private samples: number[] = []
  private offsetMs = 0

  /** A server timestamp that arrived at `receivedAt` (this screen's clock). */
  observe(serverTime: string, receivedAt = Date.now()): void {
    const t = Date.parse(serverTime)
    if (!Number.isFinite(t)) return
    this.samples.push(t - receivedAt)
    if (this.samples.length > SAMPLES) this.samples.shift()
    // Each sample is the true difference less the message's time in transit, so the largest is
    // the nearest. A minute of heartbeats: a corrected screen clock is followed within it.
    this.offsetMs = Math.max(...this.samples)
  }

  /** Milliseconds since the epoch by the server's clock (this screen's until the server is heard). */
  now(): number {
    return Date.now() + this.offsetMs
  }

  /** How far this screen's clock is behind the server's (negative: ahead). */
  get offset(): number {
    return this.offsetMs
  }
}

const SAMPLES = 12

/** The page's one server clock: its live connections feed it, its screens read it. */
export const serverClock = new ServerClock()
export const serverNow = (): number => serverClock.now()
