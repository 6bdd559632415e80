import { sql } from 'kysely'
import type { Agency, Executor } from '../db/database.js'


export async function listAgencies(db: Executor): Promise<Agency[]> {
  return db.selectFrom('agencies').selectAll().orderBy('sort_order').orderBy('code').execute()
}

export async function findAgency(db: Executor, code: string): Promise<Agency | undefined> {
  return db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function listRoutingRules(db: Executor) {
  return db.selectFrom('routing_rules').selectAll().orderBy('category_code').orderBy('region_code').execute()
}

/**
 * The agency that handles a category in a region: the region-specific rule with the longest
 * matching region prefix, else the category's default agency if it covers the region; null
 * when nobody does (the operator routes it by hand).
 */
export async function resolveAgency(db: Executor, category: string, region: string | null): Promise<string | null> {
  // The rule itself is the SQL function sigap_agency_for (migrations/0006_intake.sql): intake runs it too.
  const res = await sql<{ agency_code: string | null }>`SELECT sigap_agency_for(${category}, ${region}::text) AS agency_code`.execute(db)
  return res.rows[0]?.agency_code ?? null
}
