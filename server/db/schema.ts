import { sql, type Kysely } from 'kysely'
import { join } from 'node:path'
import type { Database } from './database.js'
import { MIGRATIONS_DIR } from './migrate.js'

/** The current schema, as `npm run schema` writes it and tests/schema.test.ts checks it. */
export const SCHEMA_FILE = join(MIGRATIONS_DIR, 'schema.sql')

const HEADER = `-- The schema the migrations leave: tables, columns, constraints, indexes, types and the
-- signatures of the functions (their bodies: migrations/functions/). Written by \`npm run schema\`
-- from a migrated database and checked against one by tests/schema.test.ts: do not edit by hand.
-- Objects of extensions (PostGIS, btree_gist) are left out.
`

// Objects that belong to an extension (PostGIS's spatial_ref_sys and its functions) are not ours.
const NOT_EXTENSION = (oid: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = ${oid} AND d.classid = '${catalog}'::regclass AND d.deptype = 'e')`

/**
 * Describes the public schema in a stable order, in text that reads like SQL. Only catalogue
 * functions whose output PostgreSQL 15 and PGlite (PostgreSQL 17) print alike are used, so
 * both databases give the same text.
 */
export async function describeSchema(db: Kysely<Database>): Promise<string> {
  const rows = async <T>(query: string) => (await sql<T>`${sql.raw(query)}`.execute(db)).rows
  const out: string[] = [HEADER]

  const extensions = await rows<{ name: string }>(`SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`)
  for (const e of extensions) out.push(`CREATE EXTENSION ${e.name};`)
  out.push('')

  const tables = await rows<{ oid: number; name: string }>(
    `SELECT c.oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND ${NOT_EXTENSION('c.oid', 'pg_class')} ORDER BY c.relname`,
  )
  for (const t of tables) {
    const cols = await rows<{ line: string }>(
      `SELECT '  ' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
              || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid) || ') STORED'
                      WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END
              || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END AS line
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = ${t.oid} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    )
    out.push(`CREATE TABLE ${t.name} (\n${cols.map((c) => c.line).join(',\n')}\n);`)
    const constraints = await rows<{ line: string }>(
      `SELECT 'ALTER TABLE ${t.name} ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid) || ';' AS line
       FROM pg_constraint WHERE conrelid = ${t.oid} AND contype <> 'n' ORDER BY conname`,
    )
    const indexes = await rows<{ line: string }>(
      `SELECT indexdef || ';' AS line FROM pg_indexes WHERE schemaname = 'public' AND tablename = '${t.name}' ORDER BY indexname`,
    )
    out.push(...constraints.map((c) => c.line), ...indexes.map((i) => i.line), '')
  }

  const types = await rows<{ oid: number; name: string }>(
    `SELECT c.oid, t.typname AS name FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'c' AND ${NOT_EXTENSION('t.oid', 'pg_type')} ORDER BY t.typname`,
  )
  for (const t of types) {
    const attrs = await rows<{ line: string }>(
      `SELECT '  ' || quote_ident(attname) || ' ' || format_type(atttypid, atttypmod) AS line
       FROM pg_attribute WHERE attrelid = ${t.oid} AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    )
    out.push(`CREATE TYPE ${t.name} AS (\n${attrs.map((a) => a.line).join(',\n')}\n);`, '')
  }

  const functions = await rows<{ line: string }>(
    `SELECT 'FUNCTION ' || p.proname || '(' || pg_get_function_arguments(p.oid) || ') RETURNS ' || pg_get_function_result(p.oid)
            || ' LANGUAGE ' || l.lanname || ' ' || CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END
            || coalesce(' SET ' || array_to_string(p.proconfig, ' SET '), '') || ';' AS line
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang
     WHERE n.nspname = 'public' AND ${NOT_EXTENSION('p.oid', 'pg_proc')}
     ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)`,
  )
  out.push('-- Functions (signatures only; their bodies are in migrations/functions/).')
  out.push(...functions.map((f) => f.line))
  return out.join('\n') + '\n'
}
