import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'

/** Geometry columns are written and read through PostGIS functions, never as raw values. */
export type Geometry = ColumnType<string, string, string>
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>

export type RegionLevel = 'provinsi' | 'kabupaten' | 'kecamatan' | 'kelurahan'

export interface RegionsTable {
  code: string
  name: string
  level: RegionLevel
  parent_code: string | null
  geom: Geometry
  label_point: Geometry
  area_km2: number
  is_demo: Generated<boolean>
  props: Generated<Record<string, unknown>>
  updated_at: Generated<Date>
}

export interface RegionPartsTable {
  id: Generated<number>
  region_code: string
  level: RegionLevel
  geom: Geometry
}

export interface CategoriesTable {
  code: string
  name_id: string
  name_en: string
  grp: string
  color: string
  active: Generated<boolean>
  sort_order: Generated<number>
}

export interface ReportsTable {
  id: Generated<string>
  channel: string
  external_id: string | null
  idempotency_key: string | null
  category_code: string
  description: string
  location: Geometry
  accuracy_m: number | null
  claimed_region: string | null
  region_code: string | null
  reporter_name: string | null
  reporter_phone: string | null
  reporter_private: Generated<boolean>
  reported_at: Timestamp
  received_at: Generated<Date>
}

export interface EventsTable {
  txid: Generated<string>
  seq: Generated<number>
  type: string
  data: ColumnType<unknown, string, string>
  created_at: Generated<Date>
}

export interface SchemaMigrationsTable {
  name: string
  applied_at: Generated<Date>
}

export interface Database {
  regions: RegionsTable
  region_parts: RegionPartsTable
  categories: CategoriesTable
  reports: ReportsTable
  events: EventsTable
  schema_migrations: SchemaMigrationsTable
}

export type Region = Selectable<RegionsTable>
export type NewRegion = Insertable<RegionsTable>
export type Category = Selectable<CategoriesTable>
export type CategoryUpdate = Updateable<CategoriesTable>
export type Report = Selectable<ReportsTable>
export type NewReport = Insertable<ReportsTable>
