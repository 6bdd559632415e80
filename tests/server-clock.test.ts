import { describe, expect, it } from 'vitest'
import { ServerClock } from '../web/src/lib/server-clock.js'

// A screen's estimate of the server's clock, from the times the server stamps on its messages.
describe('ServerClock', () => {
  const at = (ms: number) => new Date(ms).toISOString()

  it('follows the server when the screen clock is wrong, taking the least delayed message', () => {
    const c = new ServerClock()
    // Screen clock 3 hours slow; messages that spent 40 ms, 5 ms and 120 ms in transit.
    const skew = 3 * 3_600_000
    c.observe(at(1_000_000 + skew - 40), 1_000_000)
    c.observe(at(2_000_000 + skew - 5), 2_000_000)
    c.observe(at(3_000_000 + skew - 120), 3_000_000)
    expect(c.offset).toBe(skew - 5)
    expect(Math.abs(c.now() - (Date.now() + skew))).toBeLessThan(1_000)
  })

  it('is the screen clock until the server is heard, and ignores a time it cannot read', () => {
    const c = new ServerClock()
    c.observe('not a time', 1_000)
    expect(c.offset).toBe(0)
  })

  it('follows a screen clock that was set right, within a minute of heartbeats', () => {
    const c = new ServerClock()
    c.observe(at(10_000 + 60_000), 10_000) // a minute slow
    for (let i = 1; i <= 11; i++) c.observe(at(10_000 + i * 5_000), 10_000 + i * 5_000) // then right
    expect(c.offset).toBe(60_000)
    c.observe(at(70_000), 70_000)
    expect(c.offset).toBe(0)
  })
})
