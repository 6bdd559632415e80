import type { Deps } from '../http/context.js'
import { LoggingSender, type MessageSender } from '../whatsapp/outbox.js'

/**
 * An SMS gateway reached by HTTP: each message is a POST of `{ to, message }` (JSON; `to` in
 * international form, `+62812…`) with `Authorization: Bearer <token>`. Any 2xx is accepted;
 * anything else, or no answer within 15 s, throws and the outbox tries again later. Most
 * Indonesian SMS providers take such a call directly or through a small relay.
 */
export class HttpSmsGateway implements MessageSender {
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  async send(msg: { to: string; body: string }): Promise<void> {
    const res = await this.fetchFn(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: JSON.stringify({ to: `+${msg.to.replace(/\D/g, '')}`, message: msg.body }),
      signal: AbortSignal.timeout(15_000),
    })
    // The body is read and dropped either way: the connection is then free for the next message.
    await res.arrayBuffer().catch(() => undefined)
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`)
  }
}

const senders = new WeakMap<Deps, MessageSender>()

/** The gateway when SIGAP_SMS_GATEWAY_URL is set; otherwise SMS are written to the log (number masked). */
export function smsSender(deps: Deps): MessageSender {
  let s = senders.get(deps)
  if (!s) {
    const { SIGAP_SMS_GATEWAY_URL: url, SIGAP_SMS_GATEWAY_TOKEN: token } = deps.config
    s = url ? new HttpSmsGateway(url, token) : new LoggingSender(deps.log)
    senders.set(deps, s)
  }
  return s
}

/** Connects another SMS sender (a test's, another provider's). */
export function useSmsSender(deps: Deps, s: MessageSender): void {
  senders.set(deps, s)
}
