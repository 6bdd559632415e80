// A tiny IndexedDB key-value store for the outbox: it keeps Blobs (photos) as they are,
// which localStorage cannot, and survives a reload or a flat battery.

const DB = 'sigap-field'
const STORE = 'outbox'

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1)
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' })
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB did not open'))
  })
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction failed'))
  })
}

export class KeyValueStore<T extends { key: string }> {
  private db: Promise<IDBDatabase> | null = null
  private conn() {
    this.db ??= open()
    return this.db
  }

  async all(): Promise<T[]> {
    const db = await this.conn()
    const tx = db.transaction(STORE, 'readonly')
    const req = tx.objectStore(STORE).getAll()
    await done(tx)
    return req.result as T[]
  }

  /** Resolves once the write is durable (the transaction committed). */
  async put(value: T): Promise<void> {
    const db = await this.conn()
    const tx = db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).put(value)
    await done(tx)
  }

  async delete(key: string): Promise<void> {
    const db = await this.conn()
    const tx = db.transaction(STORE, 'readwrite')
    tx.objectStore(STORE).delete(key)
    await done(tx)
  }
}

/** A random UUID also over plain http on a LAN address, where crypto.randomUUID is missing. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function' && isSecureContext) return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = (b[6]! & 0x0f) | 0x40
  b[8] = (b[8]! & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
