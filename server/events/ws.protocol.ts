import { z } from 'zod'
import { AppEvent } from './event.catalog.js'

// Shared by the server and the web client: both sides validate what they receive.

export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), since: z.number().int().min(0).optional() }),
  z.object({ type: z.literal('ping') }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export const ServerMessage = z.discriminatedUnion('type', [
  /**
   * Sent on connect: the newest sequence number, so a fresh client knows where "now" is; the
   * server's time; and the build of the screens it serves (its entry script), so a screen left
   * running across a deploy can tell it is out of date.
   */
  z.object({ type: z.literal('hello'), seq: z.number().int(), server_time: z.string(), build: z.string().nullable().optional() }),
  /** One event of the log: `event` is a type of the event catalogue and `data` its payload (see `catalogued`). */
  z.object({ type: z.literal('event'), seq: z.number().int(), event: z.string(), data: z.unknown(), at: z.string() }),
  /** Backlog sent; live events follow. */
  z.object({ type: z.literal('caught_up'), seq: z.number().int() }),
  /** The gap is too long to replay: reload the state over HTTP, then subscribe from `seq`. */
  z.object({ type: z.literal('resync'), seq: z.number().int() }),
  /**
   * The client asked to resume after a seq the log does not have (restored or replaced): its
   * state belongs to another history. Drop it, reload over HTTP, then subscribe from the reload's seq.
   */
  z.object({ type: z.literal('reset'), seq: z.number().int(), reason: z.literal('ahead_of_log') }),
  z.object({ type: z.literal('heartbeat'), seq: z.number().int(), server_time: z.string() }),
  z.object({ type: z.literal('pong'), seq: z.number().int() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
])
export type ServerMessage = z.infer<typeof ServerMessage>

/**
 * An `event` message's type and payload checked against the event catalogue (event.catalog.ts),
 * or null when they do not match it (a server of another build). Left out of ServerMessage so
 * that such an event still moves the client's seq on instead of being dropped whole.
 */
export function catalogued(msg: { event: string; data: unknown }): AppEvent | null {
  const parsed = AppEvent.safeParse({ type: msg.event, data: msg.data })
  return parsed.success ? (parsed.data as AppEvent) : null
}

export const HEARTBEAT_MS = 5000
/** A client that has heard nothing for this long shows its data as possibly stale. */
export const STALE_AFTER_MS = 15000
