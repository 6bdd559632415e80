import type { MessageSender } from './outbox.js'

/** Downloads the bytes of a media id a message carried (images). */
export interface MediaFetcher {
  fetch(mediaId: string): Promise<{ bytes: Buffer; mimeType: string | null }>
}

const GRAPH = 'https://graph.facebook.com/v21.0'

/**
 * The WhatsApp Cloud API: text replies and media downloads, with the system user's access
 * token. `fetchFn` is there for tests; deployments use the global fetch.
 */
export class GraphApiClient implements MessageSender, MediaFetcher {
  constructor(
    private readonly accessToken: string,
    private readonly phoneNumberId: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.accessToken}` }
  }

  async send(msg: { to: string; body: string }): Promise<void> {
    const res = await this.fetchFn(`${GRAPH}/${encodeURIComponent(this.phoneNumberId)}/messages`, {
      method: 'POST',
      headers: { ...this.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: msg.to.replace(/^\+/, ''), type: 'text', text: { body: msg.body } }),
    })
    if (!res.ok) throw new Error(`WhatsApp API answered ${res.status}`)
  }

  async fetch(mediaId: string): Promise<{ bytes: Buffer; mimeType: string | null }> {
    const meta = await this.fetchFn(`${GRAPH}/${encodeURIComponent(mediaId)}`, { headers: this.auth })
    if (!meta.ok) throw new Error(`WhatsApp media lookup answered ${meta.status}`)
    const { url, mime_type } = (await meta.json()) as { url?: string; mime_type?: string }
    if (!url) throw new Error('WhatsApp media lookup gave no url')
    const file = await this.fetchFn(url, { headers: this.auth })
    if (!file.ok) throw new Error(`WhatsApp media download answered ${file.status}`)
    return { bytes: Buffer.from(await file.arrayBuffer()), mimeType: mime_type ?? null }
  }
}
