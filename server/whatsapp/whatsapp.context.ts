import type { Deps } from '../http/context.js'
import { GraphApiClient, type MediaFetcher } from './whatsapp.graph.js'
import { LoggingSender, type MessageSender } from './outbox.js'

export interface WhatsAppServices {
  sender: MessageSender
  /** Null: images are noted but not downloaded (no access token configured). */
  media: MediaFetcher | null
}

const services = new WeakMap<Deps, WhatsAppServices>()

/** The Graph API when SIGAP_WHATSAPP_ACCESS_TOKEN and _PHONE_NUMBER_ID are set; otherwise replies go to the log. */
export function whatsappServices(deps: Deps): WhatsAppServices {
  let s = services.get(deps)
  if (!s) {
    const { SIGAP_WHATSAPP_ACCESS_TOKEN: token, SIGAP_WHATSAPP_PHONE_NUMBER_ID: phoneId } = deps.config
    if (token && phoneId) {
      const graph = new GraphApiClient(token, phoneId)
      s = { sender: graph, media: graph }
    } else {
      s = { sender: new LoggingSender(deps.log), media: null }
    }
    services.set(deps, s)
  }
  return s
}

/** Connects another sender or media source (a test's, another provider's). */
export function useWhatsAppServices(deps: Deps, s: WhatsAppServices): void {
  services.set(deps, s)
}
