import type pg from 'pg'

// The baseline every intake figure is a ratio to: one point with a text, inserted into a table
// with a GiST index on the point. Shared by the benches and bench/plain-http-server.ts, so that
// all of them measure the same row.

export async function createPlainTable(db: pg.Pool): Promise<void> {
  await db.query('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, body text, g geometry(Point, 4326)); CREATE INDEX ON bench_plain USING gist (g)')
}

/** One autocommitted INSERT; answers the new row's id. */
export async function insertPlain(db: pg.Pool, body: string, lon: number, lat: number): Promise<string> {
  const res = await db.query<{ id: string }>('INSERT INTO bench_plain (body, g) VALUES ($1, ST_SetSRID(ST_MakePoint($2, $3), 4326)) RETURNING id', [body, lon, lat])
  return res.rows[0]!.id
}

/** The same rows inserted by one statement, in order; answers their ids. */
export async function insertPlainRows(db: pg.Pool, rows: { body: string; lon: number; lat: number }[]): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `INSERT INTO bench_plain (body, g)
     SELECT b, ST_SetSRID(ST_MakePoint(x, y), 4326) FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS u(b, x, y, o)
     ORDER BY o RETURNING id`,
    [rows.map((r) => r.body), rows.map((r) => r.lon), rows.map((r) => r.lat)],
  )
  return res.rows.map((r) => r.id)
}
