import type { Deps } from '../http/context.js'
import { deliverOutbox } from './outbox.js'
import { whatsappServices } from './whatsapp.context.js'
import { notifyStatusChanges, tick } from './whatsapp.service.js'
import { smsSender } from '../sms/sms.gateway.js'
import type { MessageSender } from './outbox.js'

/** The outbox holds WhatsApp and SMS messages: each goes out by its own channel's sender. */
export function outboxSender(deps: Deps): MessageSender {
  return { send: (msg) => (msg.channel === 'sms' ? smsSender(deps) : whatsappServices(deps).sender).send(msg) }
}

/**
 * The background half of the channel, started by the server: flushes quiet conversations,
 * sends the outbox, and turns ticket state events into messages. Every step works from the
 * database, so any number of processes may run it and a restart resumes where it stopped.
 */
export function startWhatsAppWorker(deps: Deps, intervalMs = 5_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false
  const round = async () => {
    await tick(deps)
    await deliverOutbox(deps.db.db, outboxSender(deps), deps.log)
  }
  let busy = false
  const timer = setInterval(() => {
    // A slow round (a slow API) is not stacked up behind: the next tick is skipped.
    if (busy) return
    busy = true
    running = running
      .then(round)
      .catch((err: Error) => deps.log.error(`whatsapp worker: ${err.message}`))
      .finally(() => (busy = false))
  }, intervalMs)
  timer.unref()
  const unsubscribe = deps.feed.subscribe((events) => {
    if (stopped) return
    running = running
      .then(() => notifyStatusChanges(deps, events))
      .catch((err: Error) => deps.log.error(`whatsapp status messages: ${err.message}`))
  })
  return async () => {
    stopped = true
    clearInterval(timer)
    unsubscribe()
    await running
  }
}
