import type { Context } from 'hono'
import type { IncomingMessage } from 'node:http'

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
