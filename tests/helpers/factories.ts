import type { Kysely } from 'kysely'
import type { Database, RegionLevel } from '../../server/db/database.js'
import { importRegions } from '../../server/regions/region.import.js'
import type { ReportInput } from '../../server/reports/report.schema.js'

let n = 0

/** A valid intake body; override what the test is about. */
export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  n++
  return {
    channel: 'app',
    category: 'jalan_rusak',
    description: `Jalan berlubang #${n}`,
    location: { lat: -6.2, lon: 106.85 },
    ...overrides,
  }
}

/** An axis-aligned square region (lon/lat degrees), for tests that need simple geometry. */
export function squareRegion(code: string, name: string, [w, s, e, nn]: [number, number, number, number], level: RegionLevel = 'kelurahan') {
  return {
    code,
    name,
    level,
    parent_code: code.split('.').slice(0, -1).join('.') || null,
    geometry: { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, nn], [w, nn], [w, s]]] },
    props: {},
  }
}

/** Two neighbouring kelurahan side by side, split at lon 106.85. */
export async function seedTwoKelurahan(db: Kysely<Database>) {
  await importRegions(db, [
    squareRegion('31.71.01.1001', 'Alfa', [106.84, -6.21, 106.85, -6.19]),
    squareRegion('31.71.01.1002', 'Beta', [106.85, -6.21, 106.86, -6.19]),
  ])
}
