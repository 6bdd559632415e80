import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { Deps } from '../http/context.js'

/**
 * Where photo bytes live. Disk by default; a deployment can put object storage behind the
 * same three calls (keys are `<photo id>/<variant>.jpg`, written once, never changed).
 */
export interface PhotoStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<void>
  get(key: string): Promise<Buffer | null>
  delete(key: string): Promise<void>
}

const SAFE_KEY = /^[0-9a-f-]{36}\/[a-z]+\.(jpg|webp|png)$/

function checkKey(key: string): void {
  // Keys are made here from UUIDs; anything else is a bug or an attack on the file system.
  if (!SAFE_KEY.test(key)) throw new Error(`bad photo key ${key}`)
}

export class DiskPhotoStore implements PhotoStore {
  private readonly root: string
  constructor(root: string) {
    this.root = resolve(root)
  }
  private path(key: string): string {
    checkKey(key)
    // Two levels of folders by id prefix keep directories small.
    return join(this.root, key.slice(0, 2), key)
  }
  async put(key: string, bytes: Buffer): Promise<void> {
    const p = this.path(key)
    await mkdir(dirname(p), { recursive: true })
    // Write then rename: a reader never sees half a file.
    const tmp = `${p}.${process.pid}.tmp`
    await writeFile(tmp, bytes)
    await rename(tmp, p)
  }
  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.path(key))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }
  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true })
  }
}

export class MemoryPhotoStore implements PhotoStore {
  readonly files = new Map<string, Buffer>()
  async put(key: string, bytes: Buffer): Promise<void> {
    checkKey(key)
    this.files.set(key, bytes)
  }
  async get(key: string): Promise<Buffer | null> {
    return this.files.get(key) ?? null
  }
  async delete(key: string): Promise<void> {
    this.files.delete(key)
  }
}

const stores = new WeakMap<Deps, PhotoStore>()

/** The store for this app: SIGAP_PHOTO_DIR, else SIGAP_DATA_DIR/photos (memory when the data dir is). */
export function photoStore(deps: Deps): PhotoStore {
  let s = stores.get(deps)
  if (!s) {
    const { SIGAP_PHOTO_DIR, SIGAP_DATA_DIR } = deps.config
    s = SIGAP_PHOTO_DIR
      ? new DiskPhotoStore(SIGAP_PHOTO_DIR)
      : SIGAP_DATA_DIR === 'memory://'
        ? new MemoryPhotoStore()
        : new DiskPhotoStore(join(SIGAP_DATA_DIR, 'photos'))
    stores.set(deps, s)
  }
  return s
}

/** Puts another store (object storage, a test's) behind this app's photo routes. */
export function usePhotoStore(deps: Deps, store: PhotoStore): void {
  stores.set(deps, store)
}
