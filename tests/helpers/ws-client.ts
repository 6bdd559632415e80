import WebSocket from 'ws'
import type { ServerMessage } from '../../server/events/ws.protocol.js'

/** A test WebSocket client that records every message and can wait for a condition. */
export class TestSocket {
  readonly messages: ServerMessage[] = []
  private waiters: (() => void)[] = []
  readonly ws: WebSocket

  private constructor(url: string) {
    this.ws = new WebSocket(url)
    this.ws.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()) as ServerMessage)
      for (const w of this.waiters) w()
    })
  }

  static async open(baseUrl: string, since?: number): Promise<TestSocket> {
    const s = new TestSocket(baseUrl.replace(/^http/, 'ws') + '/ws')
    await new Promise<void>((resolve, reject) => {
      s.ws.once('open', () => resolve())
      s.ws.once('error', reject)
    })
    s.ws.send(JSON.stringify(since === undefined ? { type: 'subscribe' } : { type: 'subscribe', since }))
    await s.waitFor((m) => m.some((x) => x.type === 'caught_up'))
    return s
  }

  events() {
    return this.messages.flatMap((m) => (m.type === 'event' ? [m] : []))
  }

  async waitFor(cond: (msgs: ServerMessage[]) => boolean, timeoutMs = 10_000): Promise<void> {
    if (cond(this.messages)) return
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs)
      const check = () => {
        if (cond(this.messages)) {
          clearTimeout(timer)
          this.waiters = this.waiters.filter((w) => w !== check)
          resolve()
        }
      }
      this.waiters.push(check)
    })
  }

  close() {
    this.ws.terminate()
  }
}
