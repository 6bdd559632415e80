import type { ColumnType, Generated, GeneratedAlways, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely'

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
  /** sigap_region_key(name) and of props.nama_kec, kept by PostgreSQL (migrations/0009). */
  name_key: GeneratedAlways<string | null>
  kec_key: GeneratedAlways<string | null>
}

/** Roads, rivers and named landmarks drawn under the pins (migrations/0018_map_features.sql). */
export interface MapFeaturesTable {
  id: Generated<string>
  kind: 'road' | 'river' | 'landmark'
  class: string
  name: string
  geom: Geometry
  is_demo: Generated<boolean>
  created_at: Generated<Date>
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
  // Routing and SLA (migrations/0004_tickets.sql).
  agency_code: string | null
  priority: Generated<number>
  is_emergency: Generated<boolean>
  sla_response_minutes: Generated<number>
  sla_resolve_minutes: Generated<number>
  sla_working_days: Generated<boolean>
  lapor_category: string | null
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
  /** Set by the incident matching step inside the intake transaction. */
  incident_id: ColumnType<string | null, string | null | undefined, string | null>
  // Location check (migrations/0003_locations.sql): null until checked.
  location_status: ColumnType<LocationStatus | null, LocationStatus | null | undefined, LocationStatus | null>
  claimed_region_code: ColumnType<string | null, string | null | undefined, string | null>
  detected_region_code: ColumnType<string | null, string | null | undefined, string | null>
  claim_distance_m: ColumnType<number | null, number | null | undefined, number | null>
  location_checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  /** A link to media the sender posted with the report (Open311 media_url; migrations/0010_reports_media_url.sql). */
  media_url: ColumnType<string | null, string | null | undefined, string | null>
}

export interface IncidentsTable {
  id: Generated<string>
  category_code: string
  status: Generated<string>
  location: Geometry
  region_code: string | null
  report_count: Generated<number>
  channels: Generated<string[]>
  first_reported_at: Timestamp
  last_reported_at: Timestamp
  merged_into: string | null
  split_from: string | null
  created_at: Generated<Date>
  updated_at: Generated<Date>
  // Ticket lifecycle (migrations/0004_tickets.sql).
  agency_code: ColumnType<string | null, string | null | undefined, string | null>
  field_team: ColumnType<string | null, string | null | undefined, string | null>
  priority: Generated<number>
  is_emergency: Generated<boolean>
  routed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  response_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  resolve_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  first_response_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  resolved_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  response_breached_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  resolve_breached_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  status_changed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  resolution_note: ColumnType<string | null, string | null | undefined, string | null>
  resolution_photo_ids: Generated<string[]>
  reject_reason: ColumnType<string | null, string | null | undefined, string | null>
  reject_code: ColumnType<string | null, string | null | undefined, string | null>
  paused_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  // Honest clocks (migrations/0022_clocks.sql).
  paused_seconds: Generated<number>
  paused_working_seconds: Generated<number>
  lapor_verify_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  lapor_plan_due_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  lapor_planned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  acted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
}

export interface HotspotSetsTable {
  window_key: string
  from_ts: Timestamp
  to_ts: Timestamp
  computed_at: Generated<Date>
  digest: string
  body: ColumnType<unknown, string, string>
}

export interface EventsTable {
  txid: Generated<string>
  seq: Generated<number>
  type: string
  data: ColumnType<unknown, string, string>
  created_at: Generated<Date>
  /** Who may see it, filled at append from server/events/event.catalog.ts. */
  audience: Generated<string>
  region_codes: Generated<string[]>
  agency_codes: Generated<string[]>
}

export interface SchemaMigrationsTable {
  name: string
  applied_at: Generated<Date>
}

export interface Database {
  regions: RegionsTable
  map_features: MapFeaturesTable
  region_parts: RegionPartsTable
  categories: CategoriesTable
  reports: ReportsTable
  events: EventsTable
  incidents: IncidentsTable
  hotspot_sets: HotspotSetsTable
  schema_migrations: SchemaMigrationsTable
  open311_api_keys: Open311ApiKeysTable
  whatsapp_seen_messages: WhatsappSeenMessagesTable
  whatsapp_conversations: WhatsappConversationsTable
  outbox_messages: OutboxMessagesTable
  photos: PhotosTable
  import_runs: ImportRunsTable
  // Tickets, users and ratings (migrations/0004_tickets.sql): see the end of this file.
  agencies: AgenciesTable
  routing_rules: RoutingRulesTable
  holidays: HolidaysTable
  holiday_years: HolidayYearsTable
  sigap_secrets: SigapSecretsTable
  report_contact_consents: { report_id: string; created_at: ColumnType<Date, Date | undefined, Date>; via: ColumnType<'sms' | 'whatsapp', 'sms' | 'whatsapp' | undefined, 'sms' | 'whatsapp'> }
  ticket_events: TicketEventsTable
  rating_links: RatingLinksTable
  ratings: RatingsTable
  skm_responses: SkmResponsesTable
  skm_recommendations: SkmRecommendationsTable
  users: UsersTable
  sessions: SessionsTable
  display_tokens: DisplayTokensTable
  // Location disputes (migrations/0003_locations.sql): see the end of this file.
  location_disputes: LocationDisputesTable
  dispute_actions: DisputeActionsTable
  // Photo capability tokens (migrations/0011_photo_tokens.sql).
  report_photo_tokens: ReportPhotoTokensTable
  // Added agencies' tickets on one incident (migrations/0021_agency_tickets.sql).
  agency_tickets: AgencyTicketsTable
}

export interface AgencyTicketsTable {
  id: Generated<string>
  incident_id: string
  agency_code: string
  status: Generated<string>
  field_team: string | null
  response_due_at: TsNull
  resolve_due_at: TsNull
  first_response_at: TsNull
  resolved_at: TsNull
  ended_at: TsNull
  response_breached_at: TsNull
  resolve_breached_at: TsNull
  status_changed_at: Ts
  resolution_note: string | null
  resolution_photo_ids: Generated<string[]>
  reject_reason: string | null
  idempotency_key: string | null
  created_at: Ts
  updated_at: Ts
}

export interface ReportPhotoTokensTable {
  report_id: string
  token_sha256: string
  created_at: Generated<Date>
}

export type Region = Selectable<RegionsTable>
export type NewRegion = Insertable<RegionsTable>
export type Category = Selectable<CategoriesTable>
export type CategoryUpdate = Updateable<CategoriesTable>
export type Report = Selectable<ReportsTable>
export type NewReport = Insertable<ReportsTable>
export type Incident = Selectable<IncidentsTable>

// Channels and interoperability (migrations/0005_channels.sql).
export interface Open311ApiKeysTable {
  key_sha256: string
  name: string
  created_at: Generated<Date>
  revoked_at: Timestamp | null
}

export interface WhatsappSeenMessagesTable {
  message_id: string
  sent_at: Timestamp
  received_at: Generated<Date>
}

export interface WhatsappConversationsTable {
  id: Generated<string>
  sender: string
  sender_name: string | null
  status: Generated<'open' | 'flushed' | 'abandoned'>
  first_message_id: string
  message_ids: Generated<string[]>
  texts: ColumnType<string[], string | undefined, string>
  location: ColumnType<{ lat: number; lon: number; name?: string; address?: string } | null, string | null | undefined, string | null>
  media: ColumnType<{ id: string; mime_type?: string; caption?: string }[], string | undefined, string>
  started_at: Generated<Date>
  last_message_at: Generated<Date>
  reminded_at: Timestamp | null
  report_id: string | null
  flushed_at: Timestamp | null
}

export interface OutboxMessagesTable {
  id: Generated<number>
  channel: string
  recipient: string
  body: string
  dedup_key: string
  /** A newer message with this key replaces this one while it is pending (migrations/0024_outbox_supersede.sql); null: never replaced. */
  supersede_key: string | null
  status: Generated<'pending' | 'sent' | 'failed' | 'superseded'>
  attempts: Generated<number>
  next_attempt_at: Generated<Date>
  last_error: string | null
  created_at: Generated<Date>
  sent_at: Timestamp | null
}

export interface PhotosTable {
  id: Generated<string>
  report_id: string | null
  incident_id: string | null
  update_ref: string | null
  source: string
  content_type: string
  bytes: number
  width: number
  height: number
  sha256: string
  exif_lat: number | null
  exif_lon: number | null
  taken_at: Timestamp | null
  created_at: Generated<Date>
}

export interface ImportRunsTable {
  id: Generated<number>
  source: string
  file_sha256: string
  file_name: string
  total_rows: number
  next_row: Generated<number>
  imported: Generated<number>
  duplicates: Generated<number>
  rejected: ColumnType<{ row: number; id: string | null; reason: string }[], string | undefined, string>
  status: Generated<'running' | 'done'>
  started_at: Generated<Date>
  updated_at: Generated<Date>
}

export type Photo = Selectable<PhotosTable>
export type OutboxMessage = Selectable<OutboxMessagesTable>
export type WhatsappConversation = Selectable<WhatsappConversationsTable>
export type ImportRun = Selectable<ImportRunsTable>

// Tickets, agencies, ratings, SKM, users (migrations/0004_tickets.sql).
type Ts = ColumnType<Date, Date | string | undefined, Date | string>
type TsNull = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>

export interface AgenciesTable {
  code: string
  name_id: string
  name_en: string
  short_name: string
  region_codes: string[] | null
  active: Generated<boolean>
  sort_order: Generated<number>
}

export interface RoutingRulesTable {
  category_code: string
  region_code: string
  agency_code: string
}

export interface HolidaysTable {
  day: ColumnType<string, string, string>
  name: string
  kind: ColumnType<HolidayKind, HolidayKind | undefined, HolidayKind>
  source: string | null
}

export interface SigapSecretsTable {
  name: string
  value: string
}

export type HolidayKind = 'libur_nasional' | 'cuti_bersama'

export interface HolidayYearsTable {
  year: number
  status: 'official' | 'provisional'
  decree: string
  origin: 'shipped' | 'import'
  loaded_at: ColumnType<Date, Date | undefined, Date>
}

export interface TicketEventsTable {
  id: Generated<number>
  incident_id: string
  kind: 'opened' | 'routed' | 'transition' | 'sla_breached' | 'rated' | 'category_changed' | 'agency_added' | 'agency_transition' | 'agency_sla_breached'
  from_status: string | null
  to_status: string | null
  agency_code: string | null
  actor_user_id: string | null
  actor_role: string | null
  note: string | null
  data: ColumnType<Record<string, unknown>, string | undefined, string>
  at: Ts
}

export interface RatingLinksTable {
  report_id: string
  incident_id: string
  token: string
  created_at: Generated<Date>
}

export interface RatingsTable {
  report_id: string
  incident_id: string
  agency_code: string | null
  score: number
  comment: string | null
  via: 'link' | 'api'
  created_at: Ts
  updated_at: Ts
}

export interface SkmResponsesTable {
  id: Generated<string>
  agency_code: string
  scores: number[]
  report_id: string | null
  idempotency_key: string | null
  submitted_at: Ts
}

export interface SkmRecommendationsTable {
  id: Generated<string>
  agency_code: string
  period: string
  text: string
  author_user_id: string | null
  author_role: string
  created_at: Generated<Date>
}

export interface UsersTable {
  id: Generated<string>
  username: string
  display_name: string
  role: 'admin' | 'operator' | 'leadership' | 'region_head' | 'agency_staff' | 'field_officer'
  region_codes: Generated<string[]>
  agency_code: string | null
  password_hash: string
  active: Generated<boolean>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface SessionsTable {
  token_sha256: string
  user_id: string
  created_at: Generated<Date>
  expires_at: Ts
}

export interface DisplayTokensTable {
  token_sha256: string
  name: string
  created_at: Generated<Date>
  revoked_at: TsNull
}

export type Agency = Selectable<AgenciesTable>
export type User = Selectable<UsersTable>
export type TicketEvent = Selectable<TicketEventsTable>

// Location check and disputes (migrations/0003_locations.sql).
export type LocationStatus = 'match' | 'mismatch' | 'near_boundary' | 'outside' | 'unknown_claim' | 'unclaimed'
export type DisputeState = 'open' | 'proposed' | 'moved' | 'kept' | 'returned' | 'cleared'
export type DisputeDecision = 'move' | 'keep' | 'return'

export interface LocationDisputesTable {
  id: Generated<string>
  report_id: string
  claimed_region_code: string
  detected_region_code: string
  location: Geometry
  distance_m: number | null
  accuracy_m: number | null
  state: Generated<DisputeState>
  proposal: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>
  decision: DisputeDecision | null
  decision_reason: string | null
  corrected_location: ColumnType<string | null, string | null | undefined, string | null>
  decided_by_user: string | null
  decided_by_role: string | null
  decided_at: TsNull
  overdue_at: TsNull
  opened_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface DisputeActionsTable {
  id: Generated<number>
  dispute_id: string
  action: 'opened' | 'proposed' | 'decided' | 'overdue' | 'cleared'
  decision: DisputeDecision | null
  actor_user: string | null
  actor_role: string
  reason: string | null
  data: ColumnType<Record<string, unknown>, string | undefined, string>
  at: Generated<Date>
}

export type LocationDispute = Selectable<LocationDisputesTable>
export type DisputeAction = Selectable<DisputeActionsTable>

/** What repositories take first: the database, or a transaction on it. */
export type Executor = Kysely<Database> | Transaction<Database>
