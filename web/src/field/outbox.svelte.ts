import { ApiError } from '../lib/api'
import { KeyValueStore, uuid } from './idb'
import type { Photo, Ticket } from './types'

/**
 * A status update made on the tablet. It is stored on the device before anything is sent,
 * and sent (again) until the server answers; its key is the Idempotency-Key of both
 * requests, so a retry after a lost answer changes nothing twice.
 */
export interface OutboxItem {
  key: string
  /** The account that made it: another officer signing in on the tablet does not send it. */
  userId: string
  ticketId: string
  /** What the officer sees in the waiting list (category and place). */
  label: string
  to: 'in_progress' | 'resolved'
  note?: string
  photo?: Blob
  /** Filled in once the photo is on the server, so a retry does not upload it again. */
  photoIds?: string[]
  createdAt: string
  state: 'waiting' | 'sending' | 'failed'
  error?: string
  attempts: number
}

export type NewUpdate = Pick<OutboxItem, 'ticketId' | 'label' | 'to' | 'note' | 'photo'>

const RETRY_EVERY_MS = 15_000
// A weak network can hold a request for minutes: give up and retry (the key makes that safe).
const JSON_TIMEOUT_MS = 30_000
const PHOTO_TIMEOUT_MS = 120_000

/** POST with a time limit and our CSRF header; a non-2xx answer throws an ApiError like lib/api's helpers. */
async function post<T>(path: string, body: BodyInit, headers: Record<string, string>, timeoutMs: number): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-requested-with': 'sigap', ...headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  })
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? String(res.status), json?.error?.message ?? String(res.status), json)
  return json as T
}

/** Answers that mean "try again later", as opposed to "this update can never be applied". */
const transient = (e: unknown) => !(e instanceof ApiError) || e.status >= 500 || e.status === 401 || e.status === 408 || e.status === 429

export class Outbox {
  /** Every stored update, oldest first (replaced, never mutated: IndexedDB cannot clone proxies). */
  items = $state.raw<OutboxItem[]>([])
  /** false after a request failed for want of a network; true again after one got through. */
  reachable = $state(true)
  /** false when the device cannot store updates (private mode): they live in memory only. */
  durable = $state(true)

  private store = new KeyValueStore<OutboxItem>()
  private flushing = false
  private timer: ReturnType<typeof setInterval> | null = null
  private userId = ''

  constructor(private readonly onApplied: (ticket: Ticket) => void) {}

  async start(userId: string) {
    this.userId = userId
    try {
      const stored = await this.store.all()
      // An update interrupted mid-send is just waiting again.
      this.items = stored.map((i) => (i.state === 'sending' ? { ...i, state: 'waiting' as const } : i)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    } catch {
      this.durable = false
    }
    const online = () => void this.flush()
    addEventListener('online', online)
    this.timer = setInterval(() => void this.flush(), RETRY_EVERY_MS)
    this.stop = () => {
      removeEventListener('online', online)
      if (this.timer) clearInterval(this.timer)
    }
    void this.flush()
  }

  stop = () => {}

  /** This account's updates that are not on the server yet. */
  get mine(): OutboxItem[] {
    return this.items.filter((i) => i.userId === this.userId)
  }

  /** The state a ticket will be in once its waiting updates are sent. */
  pendingFor(ticketId: string): OutboxItem | undefined {
    return this.mine.filter((i) => i.ticketId === ticketId && i.state !== 'failed').at(-1)
  }

  /** Stores the update on the device, then tries to send it. Resolves once it is stored. */
  async add(u: NewUpdate): Promise<OutboxItem> {
    const item: OutboxItem = { ...u, key: uuid(), userId: this.userId, createdAt: new Date().toISOString(), state: 'waiting', attempts: 0 }
    await this.save(item)
    void this.flush()
    return item
  }

  async discard(key: string) {
    this.items = this.items.filter((i) => i.key !== key)
    await this.store.delete(key).catch(() => {})
  }

  /** Sends waiting updates one by one, oldest first; stops at the first sign of no network. */
  async flush(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      for (;;) {
        const next = this.mine.find((i) => i.state === 'waiting')
        if (!next) return
        const outcome = await this.send(next)
        if (outcome === 'later') return
      }
    } finally {
      this.flushing = false
    }
  }

  private async send(item: OutboxItem): Promise<'done' | 'later' | 'failed'> {
    let current: OutboxItem = { ...item, state: 'sending', attempts: item.attempts + 1 }
    this.replace(current)
    try {
      if (current.photo && !current.photoIds) {
        const form = new FormData()
        form.append('photo', current.photo, `${current.key}.jpg`)
        form.append('update_ref', current.key)
        const up = await post<{ photos: Photo[] }>(`/api/incidents/${current.ticketId}/photos`, form, { 'idempotency-key': `${current.key}:photo` }, PHOTO_TIMEOUT_MS)
        current = { ...current, photoIds: up.photos.map((p) => p.id) }
        await this.save(current)
      }
      const body = { to: current.to, ...(current.note ? { note: current.note } : {}), ...(current.photoIds?.length ? { photo_ids: current.photoIds } : {}) }
      const res = await post<{ ticket: Ticket }>(`/api/tickets/${current.ticketId}/transition`, JSON.stringify(body), { 'content-type': 'application/json', 'idempotency-key': current.key }, JSON_TIMEOUT_MS)
      this.reachable = true
      await this.discard(current.key)
      this.onApplied(res.ticket)
      return 'done'
    } catch (e) {
      if (transient(e)) {
        if (!(e instanceof ApiError)) this.reachable = false
        await this.save({ ...current, state: 'waiting', error: e instanceof ApiError ? e.message : undefined })
        return 'later'
      }
      this.reachable = true
      await this.save({ ...current, state: 'failed', error: (e as ApiError).message })
      return 'failed'
    }
  }

  private replace(item: OutboxItem) {
    const i = this.items.findIndex((x) => x.key === item.key)
    this.items = i < 0 ? [...this.items, item] : this.items.map((x) => (x.key === item.key ? item : x))
  }

  private async save(item: OutboxItem) {
    this.replace(item)
    if (!this.durable) return
    try {
      await this.store.put(item)
    } catch {
      this.durable = false
    }
  }
}
