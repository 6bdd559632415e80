import { sql, type Kysely, type Transaction } from 'kysely'
import type { Agency, Database } from '../db/database.js'

type Executor = Kysely<Database> | Transaction<Database>

export async function listAgencies(db: Executor): Promise<Agency[]> {
  return db.selectFrom('agencies').selectAll().orderBy('sort_order').orderBy('code').execute()
}

export async function findAgency(db: Executor, code: string): Promise<Agency | undefined> {
  return db.selectFrom('agencies').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function listRoutingRules(db: Executor) {
  return db.selectFrom('routing_rules').selectAll().orderBy('category_code').orderBy('region_code').execute()
}

/** Holidays (WIB dates) between two dates, inclusive. */
export async function holidaysBetween(db: Executor, from: Date, days: number): Promise<Set<string>> {
  const res = await sql<{ day: string }>`
    SELECT day::text AS day FROM holidays
    WHERE day BETWEEN (${from.toISOString()}::timestamptz AT TIME ZONE 'Asia/Jakarta')::date
                  AND (${from.toISOString()}::timestamptz AT TIME ZONE 'Asia/Jakarta')::date + ${days}::int`.execute(db)
  return new Set(res.rows.map((r) => r.day))
}

/**
 * The agency that handles a category in a region: the region-specific rule with the longest
 * matching region prefix, else the category's default agency if it covers the region; null
 * when nobody does (the operator routes it by hand).
 */
export async function resolveAgency(db: Executor, category: string, region: string | null): Promise<string | null> {
  const covers = (col: ReturnType<typeof sql>) => sql`(${region}::text = ${col} OR ${region}::text LIKE ${col} || '.%')`
  const res = await sql<{ agency_code: string }>`
    SELECT agency_code FROM (
      SELECT r.agency_code, length(r.region_code) AS specificity
      FROM routing_rules r JOIN agencies a ON a.code = r.agency_code AND a.active
      WHERE r.category_code = ${category} AND ${covers(sql`r.region_code`)}
      UNION ALL
      SELECT c.agency_code, -1
      FROM categories c JOIN agencies a ON a.code = c.agency_code AND a.active
      WHERE c.code = ${category}
        AND (a.region_codes IS NULL OR EXISTS (SELECT 1 FROM unnest(a.region_codes) AS rc WHERE ${covers(sql`rc`)}))
    ) x
    ORDER BY specificity DESC
    LIMIT 1`.execute(db)
  return res.rows[0]?.agency_code ?? null
}
