import type { Kysely } from 'kysely'
import type { Category, Database } from '../db/database.js'

export async function listCategories(db: Kysely<Database>): Promise<Category[]> {
  return db.selectFrom('categories').selectAll().orderBy('sort_order').orderBy('code').execute()
}

/**
 * Categories change rarely and every intake checks one, so they are kept in memory and
 * reread after a short time (another process may have edited them) or when told.
 */
export class CategoryCatalog {
  private cache: { at: number; byCode: Map<string, Category> } | null = null
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 30_000,
  ) {}

  async all(): Promise<Category[]> {
    return [...(await this.load()).values()]
  }

  async get(code: string): Promise<Category | undefined> {
    return (await this.load()).get(code)
  }

  invalidate(): void {
    this.cache = null
  }

  private async load(): Promise<Map<string, Category>> {
    if (this.cache && Date.now() - this.cache.at < this.ttlMs) return this.cache.byCode
    const rows = await listCategories(this.db)
    this.cache = { at: Date.now(), byCode: new Map(rows.map((c) => [c.code, c])) }
    return this.cache.byCode
  }
}
