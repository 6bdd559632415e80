-- The schema the migrations leave: tables, columns, constraints, indexes, types and the
-- signatures of the functions (their bodies: migrations/functions/). Written by `npm run schema`
-- from a migrated database and checked against one by tests/schema.test.ts: do not edit by hand.
-- Objects of extensions (PostGIS, btree_gist) are left out.

CREATE EXTENSION btree_gist;
CREATE EXTENSION postgis;

CREATE TABLE agencies (
  code text NOT NULL,
  name_id text NOT NULL,
  name_en text NOT NULL,
  short_name text NOT NULL,
  region_codes text[],
  active boolean DEFAULT true NOT NULL,
  sort_order integer DEFAULT 100 NOT NULL
);
ALTER TABLE agencies ADD CONSTRAINT agencies_code_check CHECK ((code ~ '^[a-z0-9_]{2,40}$'::text));
ALTER TABLE agencies ADD CONSTRAINT agencies_pkey PRIMARY KEY (code);
CREATE UNIQUE INDEX agencies_pkey ON public.agencies USING btree (code);

CREATE TABLE agency_tickets (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  incident_id uuid NOT NULL,
  agency_code text NOT NULL,
  status text DEFAULT 'dispatched'::text NOT NULL,
  field_team text,
  response_due_at timestamp with time zone,
  resolve_due_at timestamp with time zone,
  first_response_at timestamp with time zone,
  resolved_at timestamp with time zone,
  ended_at timestamp with time zone,
  response_breached_at timestamp with time zone,
  resolve_breached_at timestamp with time zone,
  status_changed_at timestamp with time zone DEFAULT now() NOT NULL,
  resolution_note text,
  resolution_photo_ids text[] DEFAULT '{}'::text[] NOT NULL,
  reject_reason text,
  idempotency_key text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE agency_tickets ADD CONSTRAINT agency_tickets_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE agency_tickets ADD CONSTRAINT agency_tickets_incident_agency_key UNIQUE (incident_id, agency_code);
ALTER TABLE agency_tickets ADD CONSTRAINT agency_tickets_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE CASCADE;
ALTER TABLE agency_tickets ADD CONSTRAINT agency_tickets_pkey PRIMARY KEY (id);
ALTER TABLE agency_tickets ADD CONSTRAINT agency_tickets_status_chk CHECK ((status = ANY (ARRAY['dispatched'::text, 'in_progress'::text, 'resolved'::text, 'rejected'::text])));
CREATE INDEX agency_tickets_agency_idx ON public.agency_tickets USING btree (agency_code, incident_id);
CREATE UNIQUE INDEX agency_tickets_incident_agency_key ON public.agency_tickets USING btree (incident_id, agency_code);
CREATE INDEX agency_tickets_open_idx ON public.agency_tickets USING btree (id) WHERE (ended_at IS NULL);
CREATE UNIQUE INDEX agency_tickets_pkey ON public.agency_tickets USING btree (id);

CREATE TABLE categories (
  code text NOT NULL,
  name_id text NOT NULL,
  name_en text NOT NULL,
  grp text NOT NULL,
  color text NOT NULL,
  active boolean DEFAULT true NOT NULL,
  sort_order integer DEFAULT 100 NOT NULL,
  agency_code text,
  priority smallint DEFAULT 3 NOT NULL,
  is_emergency boolean DEFAULT false NOT NULL,
  sla_response_minutes integer DEFAULT 4320 NOT NULL,
  sla_resolve_minutes integer DEFAULT 7200 NOT NULL,
  sla_working_days boolean DEFAULT false NOT NULL,
  lapor_category text
);
ALTER TABLE categories ADD CONSTRAINT categories_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE categories ADD CONSTRAINT categories_pkey PRIMARY KEY (code);
ALTER TABLE categories ADD CONSTRAINT categories_priority_check CHECK (((priority >= 1) AND (priority <= 4)));
ALTER TABLE categories ADD CONSTRAINT categories_sla_resolve_minutes_check CHECK ((sla_resolve_minutes > 0));
ALTER TABLE categories ADD CONSTRAINT categories_sla_response_minutes_check CHECK ((sla_response_minutes > 0));
CREATE UNIQUE INDEX categories_pkey ON public.categories USING btree (code);

CREATE TABLE display_tokens (
  token_sha256 text NOT NULL,
  name text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  revoked_at timestamp with time zone
);
ALTER TABLE display_tokens ADD CONSTRAINT display_tokens_pkey PRIMARY KEY (token_sha256);
CREATE UNIQUE INDEX display_tokens_pkey ON public.display_tokens USING btree (token_sha256);

CREATE TABLE dispute_actions (
  id bigint DEFAULT nextval('dispute_actions_id_seq'::regclass) NOT NULL,
  dispute_id uuid NOT NULL,
  action text NOT NULL,
  decision text,
  actor_user uuid,
  actor_role text NOT NULL,
  reason text,
  data jsonb DEFAULT '{}'::jsonb NOT NULL,
  at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE dispute_actions ADD CONSTRAINT dispute_actions_action_check CHECK ((action = ANY (ARRAY['opened'::text, 'proposed'::text, 'decided'::text, 'overdue'::text, 'cleared'::text])));
ALTER TABLE dispute_actions ADD CONSTRAINT dispute_actions_decision_check CHECK ((decision = ANY (ARRAY['move'::text, 'keep'::text, 'return'::text])));
ALTER TABLE dispute_actions ADD CONSTRAINT dispute_actions_dispute_id_fkey FOREIGN KEY (dispute_id) REFERENCES location_disputes(id) ON DELETE CASCADE;
ALTER TABLE dispute_actions ADD CONSTRAINT dispute_actions_pkey PRIMARY KEY (id);
CREATE INDEX dispute_actions_dispute_idx ON public.dispute_actions USING btree (dispute_id, id);
CREATE UNIQUE INDEX dispute_actions_pkey ON public.dispute_actions USING btree (id);

CREATE TABLE events (
  txid xid8 DEFAULT pg_current_xact_id() NOT NULL,
  seq bigint DEFAULT nextval('events_seq_seq'::regclass) NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  audience text DEFAULT 'place'::text NOT NULL,
  region_codes text[] DEFAULT '{}'::text[] NOT NULL,
  agency_codes text[] DEFAULT '{}'::text[] NOT NULL
);
ALTER TABLE events ADD CONSTRAINT events_audience_check CHECK ((audience = ANY (ARRAY['admins'::text, 'everyone'::text, 'place'::text, 'regions'::text])));
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (seq);
CREATE UNIQUE INDEX events_pkey ON public.events USING btree (seq);

CREATE TABLE holiday_years (
  year integer NOT NULL,
  status text NOT NULL,
  decree text NOT NULL,
  origin text NOT NULL,
  loaded_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE holiday_years ADD CONSTRAINT holiday_years_origin_check CHECK ((origin = ANY (ARRAY['shipped'::text, 'import'::text])));
ALTER TABLE holiday_years ADD CONSTRAINT holiday_years_pkey PRIMARY KEY (year);
ALTER TABLE holiday_years ADD CONSTRAINT holiday_years_status_check CHECK ((status = ANY (ARRAY['official'::text, 'provisional'::text])));
ALTER TABLE holiday_years ADD CONSTRAINT holiday_years_year_check CHECK (((year >= 2000) AND (year <= 2100)));
CREATE UNIQUE INDEX holiday_years_pkey ON public.holiday_years USING btree (year);

CREATE TABLE holidays (
  day date NOT NULL,
  name text NOT NULL,
  kind text DEFAULT 'libur_nasional'::text NOT NULL,
  source text
);
ALTER TABLE holidays ADD CONSTRAINT holidays_kind_check CHECK ((kind = ANY (ARRAY['libur_nasional'::text, 'cuti_bersama'::text])));
ALTER TABLE holidays ADD CONSTRAINT holidays_pkey PRIMARY KEY (day);
CREATE UNIQUE INDEX holidays_pkey ON public.holidays USING btree (day);

CREATE TABLE hotspot_sets (
  window_key text NOT NULL,
  from_ts timestamp with time zone NOT NULL,
  to_ts timestamp with time zone NOT NULL,
  computed_at timestamp with time zone DEFAULT now() NOT NULL,
  digest text NOT NULL,
  body jsonb NOT NULL
);
ALTER TABLE hotspot_sets ADD CONSTRAINT hotspot_sets_pkey PRIMARY KEY (window_key);
CREATE UNIQUE INDEX hotspot_sets_pkey ON public.hotspot_sets USING btree (window_key);

CREATE TABLE import_runs (
  id bigint DEFAULT nextval('import_runs_id_seq'::regclass) NOT NULL,
  source text NOT NULL,
  file_sha256 text NOT NULL,
  file_name text NOT NULL,
  total_rows integer NOT NULL,
  next_row integer DEFAULT 0 NOT NULL,
  imported integer DEFAULT 0 NOT NULL,
  duplicates integer DEFAULT 0 NOT NULL,
  rejected jsonb DEFAULT '[]'::jsonb NOT NULL,
  status text DEFAULT 'running'::text NOT NULL,
  started_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE import_runs ADD CONSTRAINT import_runs_pkey PRIMARY KEY (id);
ALTER TABLE import_runs ADD CONSTRAINT import_runs_source_file_sha256_key UNIQUE (source, file_sha256);
ALTER TABLE import_runs ADD CONSTRAINT import_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'done'::text])));
CREATE UNIQUE INDEX import_runs_pkey ON public.import_runs USING btree (id);
CREATE UNIQUE INDEX import_runs_source_file_sha256_key ON public.import_runs USING btree (source, file_sha256);

CREATE TABLE incidents (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  category_code text NOT NULL,
  status text DEFAULT 'new'::text NOT NULL,
  location geometry(Point,4326) NOT NULL,
  region_code text,
  report_count integer DEFAULT 0 NOT NULL,
  channels text[] DEFAULT '{}'::text[] NOT NULL,
  first_reported_at timestamp with time zone NOT NULL,
  last_reported_at timestamp with time zone NOT NULL,
  merged_into uuid,
  split_from uuid,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  agency_code text,
  field_team text,
  priority smallint DEFAULT 3 NOT NULL,
  is_emergency boolean DEFAULT false NOT NULL,
  routed_at timestamp with time zone,
  response_due_at timestamp with time zone,
  resolve_due_at timestamp with time zone,
  first_response_at timestamp with time zone,
  resolved_at timestamp with time zone,
  ended_at timestamp with time zone,
  response_breached_at timestamp with time zone,
  resolve_breached_at timestamp with time zone,
  status_changed_at timestamp with time zone,
  resolution_note text,
  resolution_photo_ids text[] DEFAULT '{}'::text[] NOT NULL,
  reject_reason text,
  reject_code text,
  paused_at timestamp with time zone,
  paused_seconds integer DEFAULT 0 NOT NULL,
  paused_working_seconds integer DEFAULT 0 NOT NULL,
  lapor_verify_due_at timestamp with time zone,
  lapor_plan_due_at timestamp with time zone,
  lapor_planned_at timestamp with time zone,
  acted_at timestamp with time zone
);
ALTER TABLE incidents ADD CONSTRAINT incidents_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE incidents ADD CONSTRAINT incidents_category_code_fkey FOREIGN KEY (category_code) REFERENCES categories(code);
ALTER TABLE incidents ADD CONSTRAINT incidents_merged_into_fkey FOREIGN KEY (merged_into) REFERENCES incidents(id);
ALTER TABLE incidents ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);
ALTER TABLE incidents ADD CONSTRAINT incidents_region_code_fkey FOREIGN KEY (region_code) REFERENCES regions(code) ON DELETE SET NULL;
ALTER TABLE incidents ADD CONSTRAINT incidents_reject_code_check CHECK (((reject_code IS NULL) OR (reject_code = ANY (ARRAY['hoax'::text, 'prank'::text, 'duplicate'::text, 'out_of_scope'::text, 'other'::text]))));
ALTER TABLE incidents ADD CONSTRAINT incidents_split_from_fkey FOREIGN KEY (split_from) REFERENCES incidents(id);
ALTER TABLE incidents ADD CONSTRAINT incidents_status_chk CHECK ((status = ANY (ARRAY['new'::text, 'verified'::text, 'field_check'::text, 'waiting_reporter'::text, 'dispatched'::text, 'in_progress'::text, 'resolved'::text, 'closed'::text, 'rejected'::text, 'reopened'::text])));
CREATE INDEX incidents_agency_created_idx ON public.incidents USING btree (agency_code, created_at);
CREATE INDEX incidents_created_idx ON public.incidents USING btree (created_at);
CREATE INDEX incidents_last_reported_idx ON public.incidents USING btree (last_reported_at);
CREATE INDEX incidents_location_idx ON public.incidents USING gist (location);
CREATE INDEX incidents_open_match_idx ON public.incidents USING gist (sigap_match_key(category_code, location) gist_geometry_ops_nd) WHERE ((status <> ALL (ARRAY['resolved'::text, 'closed'::text, 'rejected'::text])) AND (merged_into IS NULL));
CREATE UNIQUE INDEX incidents_pkey ON public.incidents USING btree (id);
CREATE INDEX incidents_region_idx ON public.incidents USING btree (region_code);
CREATE INDEX incidents_resolve_due_idx ON public.incidents USING btree (resolve_due_at) WHERE ((ended_at IS NULL) AND (resolve_breached_at IS NULL) AND (merged_into IS NULL));
CREATE INDEX incidents_response_due_idx ON public.incidents USING btree (response_due_at) WHERE ((first_response_at IS NULL) AND (response_breached_at IS NULL) AND (merged_into IS NULL));
CREATE INDEX incidents_unrouted_idx ON public.incidents USING btree (created_at) WHERE (routed_at IS NULL);

CREATE TABLE location_disputes (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  report_id uuid NOT NULL,
  claimed_region_code text NOT NULL,
  detected_region_code text NOT NULL,
  location geometry(Point,4326) NOT NULL,
  distance_m double precision,
  accuracy_m double precision,
  state text DEFAULT 'open'::text NOT NULL,
  proposal jsonb,
  decision text,
  decision_reason text,
  corrected_location geometry(Point,4326),
  decided_by_user uuid,
  decided_by_role text,
  decided_at timestamp with time zone,
  overdue_at timestamp with time zone,
  opened_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE location_disputes ADD CONSTRAINT location_disputes_decision_check CHECK ((decision = ANY (ARRAY['move'::text, 'keep'::text, 'return'::text])));
ALTER TABLE location_disputes ADD CONSTRAINT location_disputes_pkey PRIMARY KEY (id);
ALTER TABLE location_disputes ADD CONSTRAINT location_disputes_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
ALTER TABLE location_disputes ADD CONSTRAINT location_disputes_state_check CHECK ((state = ANY (ARRAY['open'::text, 'proposed'::text, 'moved'::text, 'kept'::text, 'returned'::text, 'cleared'::text])));
CREATE INDEX location_disputes_active_opened_idx ON public.location_disputes USING btree (opened_at) WHERE (state = ANY (ARRAY['open'::text, 'proposed'::text]));
CREATE UNIQUE INDEX location_disputes_active_uq ON public.location_disputes USING btree (report_id) WHERE (state = ANY (ARRAY['open'::text, 'proposed'::text]));
CREATE INDEX location_disputes_claimed_idx ON public.location_disputes USING btree (claimed_region_code text_pattern_ops, opened_at);
CREATE INDEX location_disputes_detected_idx ON public.location_disputes USING btree (detected_region_code text_pattern_ops, opened_at);
CREATE UNIQUE INDEX location_disputes_pkey ON public.location_disputes USING btree (id);
CREATE INDEX location_disputes_report_idx ON public.location_disputes USING btree (report_id);

CREATE TABLE map_features (
  id bigint DEFAULT nextval('map_features_id_seq'::regclass) NOT NULL,
  kind text NOT NULL,
  class text NOT NULL,
  name text NOT NULL,
  geom geometry(Geometry,4326) NOT NULL,
  is_demo boolean DEFAULT false NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE map_features ADD CONSTRAINT map_features_kind_check CHECK ((kind = ANY (ARRAY['road'::text, 'river'::text, 'landmark'::text])));
ALTER TABLE map_features ADD CONSTRAINT map_features_pkey PRIMARY KEY (id);
CREATE INDEX map_features_geom_idx ON public.map_features USING gist (geom);
CREATE UNIQUE INDEX map_features_pkey ON public.map_features USING btree (id);

CREATE TABLE open311_api_keys (
  key_sha256 text NOT NULL,
  name text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  revoked_at timestamp with time zone
);
ALTER TABLE open311_api_keys ADD CONSTRAINT open311_api_keys_pkey PRIMARY KEY (key_sha256);
CREATE UNIQUE INDEX open311_api_keys_pkey ON public.open311_api_keys USING btree (key_sha256);

CREATE TABLE outbox_messages (
  id bigint DEFAULT nextval('outbox_messages_id_seq'::regclass) NOT NULL,
  channel text NOT NULL,
  recipient text NOT NULL,
  body text NOT NULL,
  dedup_key text NOT NULL,
  status text DEFAULT 'pending'::text NOT NULL,
  attempts integer DEFAULT 0 NOT NULL,
  next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
  last_error text,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  sent_at timestamp with time zone,
  supersede_key text
);
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_dedup_key_key UNIQUE (dedup_key);
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_pkey PRIMARY KEY (id);
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'sent'::text, 'failed'::text, 'superseded'::text])));
CREATE UNIQUE INDEX outbox_messages_dedup_key_key ON public.outbox_messages USING btree (dedup_key);
CREATE UNIQUE INDEX outbox_messages_pkey ON public.outbox_messages USING btree (id);
CREATE INDEX outbox_pending_idx ON public.outbox_messages USING btree (next_attempt_at) WHERE (status = 'pending'::text);
CREATE INDEX outbox_supersede_idx ON public.outbox_messages USING btree (supersede_key) WHERE (status = 'pending'::text);

CREATE TABLE photos (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  report_id uuid,
  incident_id uuid,
  update_ref text,
  source text NOT NULL,
  content_type text NOT NULL,
  bytes integer NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  sha256 text NOT NULL,
  exif_lat double precision,
  exif_lon double precision,
  taken_at timestamp with time zone,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE photos ADD CONSTRAINT photos_check CHECK (((report_id IS NOT NULL) OR (incident_id IS NOT NULL)));
ALTER TABLE photos ADD CONSTRAINT photos_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE CASCADE;
ALTER TABLE photos ADD CONSTRAINT photos_pkey PRIMARY KEY (id);
ALTER TABLE photos ADD CONSTRAINT photos_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
CREATE INDEX photos_incident_idx ON public.photos USING btree (incident_id);
CREATE UNIQUE INDEX photos_incident_sha_uq ON public.photos USING btree (incident_id, sha256, COALESCE(update_ref, ''::text)) WHERE (report_id IS NULL);
CREATE UNIQUE INDEX photos_pkey ON public.photos USING btree (id);
CREATE INDEX photos_report_idx ON public.photos USING btree (report_id);
CREATE UNIQUE INDEX photos_report_sha_uq ON public.photos USING btree (report_id, sha256) WHERE (report_id IS NOT NULL);

CREATE TABLE rating_links (
  report_id uuid NOT NULL,
  incident_id uuid NOT NULL,
  token text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE rating_links ADD CONSTRAINT rating_links_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE CASCADE;
ALTER TABLE rating_links ADD CONSTRAINT rating_links_pkey PRIMARY KEY (report_id);
ALTER TABLE rating_links ADD CONSTRAINT rating_links_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
ALTER TABLE rating_links ADD CONSTRAINT rating_links_token_key UNIQUE (token);
CREATE UNIQUE INDEX rating_links_pkey ON public.rating_links USING btree (report_id);
CREATE UNIQUE INDEX rating_links_token_key ON public.rating_links USING btree (token);

CREATE TABLE ratings (
  report_id uuid NOT NULL,
  incident_id uuid NOT NULL,
  agency_code text,
  score smallint NOT NULL,
  comment text,
  via text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ratings ADD CONSTRAINT ratings_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE ratings ADD CONSTRAINT ratings_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE CASCADE;
ALTER TABLE ratings ADD CONSTRAINT ratings_pkey PRIMARY KEY (report_id);
ALTER TABLE ratings ADD CONSTRAINT ratings_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
ALTER TABLE ratings ADD CONSTRAINT ratings_score_check CHECK (((score >= 1) AND (score <= 5)));
ALTER TABLE ratings ADD CONSTRAINT ratings_via_check CHECK ((via = ANY (ARRAY['link'::text, 'api'::text])));
CREATE INDEX ratings_agency_idx ON public.ratings USING btree (agency_code, created_at);
CREATE UNIQUE INDEX ratings_pkey ON public.ratings USING btree (report_id);

CREATE TABLE region_parts (
  id bigint DEFAULT nextval('region_parts_id_seq'::regclass) NOT NULL,
  region_code text NOT NULL,
  level text NOT NULL,
  geom geometry(Polygon,4326) NOT NULL
);
ALTER TABLE region_parts ADD CONSTRAINT region_parts_pkey PRIMARY KEY (id);
ALTER TABLE region_parts ADD CONSTRAINT region_parts_region_code_fkey FOREIGN KEY (region_code) REFERENCES regions(code) ON DELETE CASCADE;
CREATE INDEX region_parts_geom_idx ON public.region_parts USING gist (geom);
CREATE UNIQUE INDEX region_parts_pkey ON public.region_parts USING btree (id);
CREATE INDEX region_parts_region_idx ON public.region_parts USING btree (region_code);

CREATE TABLE regions (
  code text NOT NULL,
  name text NOT NULL,
  level text NOT NULL,
  parent_code text,
  geom geometry(MultiPolygon,4326) NOT NULL,
  label_point geometry(Point,4326) NOT NULL,
  area_km2 double precision NOT NULL,
  is_demo boolean DEFAULT false NOT NULL,
  props jsonb DEFAULT '{}'::jsonb NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL,
  name_key text GENERATED ALWAYS AS (sigap_region_key(name)) STORED,
  kec_key text GENERATED ALWAYS AS (sigap_region_key((props ->> 'nama_kec'::text))) STORED
);
ALTER TABLE regions ADD CONSTRAINT regions_level_check CHECK ((level = ANY (ARRAY['provinsi'::text, 'kabupaten'::text, 'kecamatan'::text, 'kelurahan'::text])));
ALTER TABLE regions ADD CONSTRAINT regions_pkey PRIMARY KEY (code);
CREATE INDEX regions_geom_idx ON public.regions USING gist (geom);
CREATE INDEX regions_kec_key_idx ON public.regions USING btree (kec_key);
CREATE INDEX regions_level_idx ON public.regions USING btree (level);
CREATE INDEX regions_lower_name_idx ON public.regions USING btree (lower(name));
CREATE INDEX regions_name_key_idx ON public.regions USING btree (name_key);
CREATE INDEX regions_parent_idx ON public.regions USING btree (parent_code);
CREATE UNIQUE INDEX regions_pkey ON public.regions USING btree (code);

CREATE TABLE report_contact_consents (
  report_id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  via text DEFAULT 'sms'::text NOT NULL
);
ALTER TABLE report_contact_consents ADD CONSTRAINT report_contact_consents_pkey PRIMARY KEY (report_id);
ALTER TABLE report_contact_consents ADD CONSTRAINT report_contact_consents_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
ALTER TABLE report_contact_consents ADD CONSTRAINT report_contact_consents_via_chk CHECK ((via = ANY (ARRAY['sms'::text, 'whatsapp'::text])));
CREATE UNIQUE INDEX report_contact_consents_pkey ON public.report_contact_consents USING btree (report_id);

CREATE TABLE report_photo_tokens (
  report_id uuid NOT NULL,
  token_sha256 text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE report_photo_tokens ADD CONSTRAINT report_photo_tokens_pkey PRIMARY KEY (report_id);
ALTER TABLE report_photo_tokens ADD CONSTRAINT report_photo_tokens_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX report_photo_tokens_pkey ON public.report_photo_tokens USING btree (report_id);

CREATE TABLE reports (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  channel text NOT NULL,
  external_id text,
  idempotency_key text,
  category_code text NOT NULL,
  description text NOT NULL,
  location geometry(Point,4326) NOT NULL,
  accuracy_m double precision,
  claimed_region text,
  region_code text,
  reporter_name text,
  reporter_phone text,
  reporter_private boolean DEFAULT false NOT NULL,
  reported_at timestamp with time zone NOT NULL,
  received_at timestamp with time zone DEFAULT now() NOT NULL,
  incident_id uuid,
  location_status text,
  claimed_region_code text,
  detected_region_code text,
  claim_distance_m double precision,
  location_checked_at timestamp with time zone,
  media_url text
);
ALTER TABLE reports ADD CONSTRAINT reports_category_code_fkey FOREIGN KEY (category_code) REFERENCES categories(code);
ALTER TABLE reports ADD CONSTRAINT reports_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id);
ALTER TABLE reports ADD CONSTRAINT reports_location_status_check CHECK ((location_status = ANY (ARRAY['match'::text, 'mismatch'::text, 'near_boundary'::text, 'outside'::text, 'unknown_claim'::text, 'unclaimed'::text])));
ALTER TABLE reports ADD CONSTRAINT reports_pkey PRIMARY KEY (id);
ALTER TABLE reports ADD CONSTRAINT reports_region_code_fkey FOREIGN KEY (region_code) REFERENCES regions(code) ON DELETE SET NULL;
CREATE UNIQUE INDEX reports_channel_external_uq ON public.reports USING btree (channel, external_id) WHERE (external_id IS NOT NULL);
CREATE UNIQUE INDEX reports_idempotency_uq ON public.reports USING btree (idempotency_key) WHERE (idempotency_key IS NOT NULL);
CREATE INDEX reports_incident_idx ON public.reports USING btree (incident_id);
CREATE INDEX reports_location_idx ON public.reports USING gist (location);
CREATE UNIQUE INDEX reports_pkey ON public.reports USING btree (id);
CREATE INDEX reports_region_idx ON public.reports USING btree (region_code);
CREATE INDEX reports_reported_at_idx ON public.reports USING btree (reported_at);

CREATE TABLE routing_rules (
  category_code text NOT NULL,
  region_code text NOT NULL,
  agency_code text NOT NULL
);
ALTER TABLE routing_rules ADD CONSTRAINT routing_rules_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE routing_rules ADD CONSTRAINT routing_rules_category_code_fkey FOREIGN KEY (category_code) REFERENCES categories(code) ON DELETE CASCADE;
ALTER TABLE routing_rules ADD CONSTRAINT routing_rules_pkey PRIMARY KEY (category_code, region_code);
CREATE UNIQUE INDEX routing_rules_pkey ON public.routing_rules USING btree (category_code, region_code);

CREATE TABLE schema_functions (
  name text NOT NULL,
  digest text NOT NULL,
  applied_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE schema_functions ADD CONSTRAINT schema_functions_pkey PRIMARY KEY (name);
CREATE UNIQUE INDEX schema_functions_pkey ON public.schema_functions USING btree (name);

CREATE TABLE schema_migrations (
  name text NOT NULL,
  applied_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE schema_migrations ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (name);
CREATE UNIQUE INDEX schema_migrations_pkey ON public.schema_migrations USING btree (name);

CREATE TABLE sessions (
  token_sha256 text NOT NULL,
  user_id uuid NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  expires_at timestamp with time zone NOT NULL
);
ALTER TABLE sessions ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_sha256);
ALTER TABLE sessions ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
CREATE INDEX sessions_expires_idx ON public.sessions USING btree (expires_at);
CREATE UNIQUE INDEX sessions_pkey ON public.sessions USING btree (token_sha256);
CREATE INDEX sessions_user_idx ON public.sessions USING btree (user_id);

CREATE TABLE sigap_secrets (
  name text NOT NULL,
  value text NOT NULL
);
ALTER TABLE sigap_secrets ADD CONSTRAINT sigap_secrets_pkey PRIMARY KEY (name);
CREATE UNIQUE INDEX sigap_secrets_pkey ON public.sigap_secrets USING btree (name);

CREATE TABLE skm_recommendations (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  agency_code text NOT NULL,
  period text NOT NULL,
  text text NOT NULL,
  author_user_id uuid,
  author_role text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE skm_recommendations ADD CONSTRAINT skm_recommendations_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE skm_recommendations ADD CONSTRAINT skm_recommendations_pkey PRIMARY KEY (id);
CREATE INDEX skm_recommendations_idx ON public.skm_recommendations USING btree (agency_code, period);
CREATE UNIQUE INDEX skm_recommendations_pkey ON public.skm_recommendations USING btree (id);

CREATE TABLE skm_responses (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  agency_code text NOT NULL,
  scores smallint[] NOT NULL,
  report_id uuid,
  idempotency_key text,
  submitted_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_idempotency_key_key UNIQUE (idempotency_key);
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_pkey PRIMARY KEY (id);
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE SET NULL;
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_report_id_key UNIQUE (report_id);
ALTER TABLE skm_responses ADD CONSTRAINT skm_responses_scores_check CHECK (((array_length(scores, 1) = 10) AND (1 <= ALL (scores)) AND (4 >= ALL (scores))));
CREATE INDEX skm_responses_agency_idx ON public.skm_responses USING btree (agency_code, submitted_at);
CREATE UNIQUE INDEX skm_responses_idempotency_key_key ON public.skm_responses USING btree (idempotency_key);
CREATE UNIQUE INDEX skm_responses_pkey ON public.skm_responses USING btree (id);
CREATE UNIQUE INDEX skm_responses_report_id_key ON public.skm_responses USING btree (report_id);

CREATE TABLE ticket_events (
  id bigint DEFAULT nextval('ticket_events_id_seq'::regclass) NOT NULL,
  incident_id uuid NOT NULL,
  kind text NOT NULL,
  from_status text,
  to_status text,
  agency_code text,
  actor_user_id uuid,
  actor_role text,
  note text,
  data jsonb DEFAULT '{}'::jsonb NOT NULL,
  at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id) ON DELETE CASCADE;
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_kind_check CHECK ((kind = ANY (ARRAY['opened'::text, 'routed'::text, 'transition'::text, 'sla_breached'::text, 'rated'::text, 'category_changed'::text, 'agency_added'::text, 'agency_transition'::text, 'agency_sla_breached'::text])));
ALTER TABLE ticket_events ADD CONSTRAINT ticket_events_pkey PRIMARY KEY (id);
CREATE INDEX ticket_events_incident_idx ON public.ticket_events USING btree (incident_id, id);
CREATE UNIQUE INDEX ticket_events_pkey ON public.ticket_events USING btree (id);

CREATE TABLE users (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  username text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  region_codes text[] DEFAULT '{}'::text[] NOT NULL,
  agency_code text,
  password_hash text NOT NULL,
  active boolean DEFAULT true NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE users ADD CONSTRAINT users_agency_code_fkey FOREIGN KEY (agency_code) REFERENCES agencies(code);
ALTER TABLE users ADD CONSTRAINT users_check CHECK (((role <> 'region_head'::text) OR (cardinality(region_codes) > 0)));
ALTER TABLE users ADD CONSTRAINT users_check1 CHECK (((role <> ALL (ARRAY['agency_staff'::text, 'field_officer'::text])) OR (agency_code IS NOT NULL)));
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK ((role = ANY (ARRAY['admin'::text, 'operator'::text, 'leadership'::text, 'region_head'::text, 'agency_staff'::text, 'field_officer'::text])));
CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id);
CREATE UNIQUE INDEX users_username_uq ON public.users USING btree (lower(username));

CREATE TABLE whatsapp_conversations (
  id uuid DEFAULT gen_random_uuid() NOT NULL,
  sender text NOT NULL,
  sender_name text,
  status text DEFAULT 'open'::text NOT NULL,
  first_message_id text NOT NULL,
  message_ids text[] DEFAULT '{}'::text[] NOT NULL,
  texts jsonb DEFAULT '[]'::jsonb NOT NULL,
  location jsonb,
  media jsonb DEFAULT '[]'::jsonb NOT NULL,
  started_at timestamp with time zone DEFAULT now() NOT NULL,
  last_message_at timestamp with time zone DEFAULT now() NOT NULL,
  reminded_at timestamp with time zone,
  report_id uuid,
  flushed_at timestamp with time zone
);
ALTER TABLE whatsapp_conversations ADD CONSTRAINT whatsapp_conversations_pkey PRIMARY KEY (id);
ALTER TABLE whatsapp_conversations ADD CONSTRAINT whatsapp_conversations_report_id_fkey FOREIGN KEY (report_id) REFERENCES reports(id) ON DELETE SET NULL;
ALTER TABLE whatsapp_conversations ADD CONSTRAINT whatsapp_conversations_status_check CHECK ((status = ANY (ARRAY['open'::text, 'flushed'::text, 'abandoned'::text])));
CREATE INDEX whatsapp_conversations_due_idx ON public.whatsapp_conversations USING btree (last_message_at) WHERE (status = 'open'::text);
CREATE UNIQUE INDEX whatsapp_conversations_open_uq ON public.whatsapp_conversations USING btree (sender) WHERE (status = 'open'::text);
CREATE UNIQUE INDEX whatsapp_conversations_pkey ON public.whatsapp_conversations USING btree (id);
CREATE INDEX whatsapp_conversations_report_idx ON public.whatsapp_conversations USING btree (report_id);

CREATE TABLE whatsapp_seen_messages (
  message_id text NOT NULL,
  sent_at timestamp with time zone NOT NULL,
  received_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE whatsapp_seen_messages ADD CONSTRAINT whatsapp_seen_messages_pkey PRIMARY KEY (message_id);
CREATE UNIQUE INDEX whatsapp_seen_messages_pkey ON public.whatsapp_seen_messages USING btree (message_id);
CREATE INDEX whatsapp_seen_received_idx ON public.whatsapp_seen_messages USING btree (received_at);

CREATE TYPE sigap_intake_row AS (
  ord integer,
  outcome text,
  id uuid,
  reported_at timestamp with time zone,
  received_at timestamp with time zone,
  location_status text,
  claimed_code text,
  claimed_name text,
  detected_code text,
  detected_name text,
  claim_distance_m double precision,
  region_code text,
  region_name text,
  incident_new boolean,
  i_id uuid,
  i_category_code text,
  i_status text,
  i_lat double precision,
  i_lon double precision,
  i_region_code text,
  i_region_name text,
  i_report_count integer,
  i_channels text[],
  i_first_reported_at timestamp with time zone,
  i_last_reported_at timestamp with time zone,
  i_merged_into uuid,
  i_split_from uuid,
  i_created_at timestamp with time zone,
  i_updated_at timestamp with time zone,
  i_agency_code text,
  i_routed_at timestamp with time zone,
  i_is_emergency boolean,
  i_agency_name text,
  i_priority smallint,
  i_response_due_at timestamp with time zone,
  i_resolve_due_at timestamp with time zone,
  i_status_changed_at timestamp with time zone,
  dispute_id uuid,
  dispute_opened_at timestamp with time zone
);

-- Functions (signatures only; their bodies are in migrations/functions/).
FUNCTION sigap_agency_for(p_category text, p_region text) RETURNS text LANGUAGE plpgsql STABLE;
FUNCTION sigap_append_events(p_events jsonb, p_channel text, OUT at timestamp with time zone, OUT written text) RETURNS record LANGUAGE plpgsql VOLATILE SET enable_seqscan=off;
FUNCTION sigap_check_resolved(p_pt geometry, p_claim text, p_claimed boolean, p_accuracy_m double precision, p_default_tol_m double precision) RETURNS TABLE(status text, claimed_code text, detected_code text, distance_m double precision, region_code text) LANGUAGE sql STABLE;
FUNCTION sigap_claim_candidates(p_claim text) RETURNS text[] LANGUAGE plpgsql STABLE;
FUNCTION sigap_intake_item(p_item jsonb, p_default_tol_m double precision, p_candidates text[], INOUT p_routes jsonb, OUT r sigap_intake_row) RETURNS record LANGUAGE plpgsql VOLATILE SET jit=off;
FUNCTION sigap_intake_reports(p_items jsonb, p_default_tol_m double precision) RETURNS SETOF sigap_intake_row LANGUAGE plpgsql VOLATILE SET jit=off;
FUNCTION sigap_intake_set(p_items jsonb, p_default_tol_m double precision) RETURNS SETOF sigap_intake_row LANGUAGE plpgsql VOLATILE SET jit=off SET plan_cache_mode=force_generic_plan SET enable_seqscan=off;
FUNCTION sigap_join_incidents(p_ids uuid[], p_points geometry[], p_channels text[], p_at timestamp with time zone[], p_regions text[]) RETURNS SETOF incidents LANGUAGE plpgsql VOLATILE;
FUNCTION sigap_late(p_due timestamp with time zone, p_stopped timestamp with time zone, p_flagged timestamp with time zone, p_paused timestamp with time zone, p_at timestamp with time zone) RETURNS boolean LANGUAGE sql IMMUTABLE;
FUNCTION sigap_level_tag(p_level text) RETURNS text LANGUAGE sql IMMUTABLE;
FUNCTION sigap_location_check(p_pt geometry, p_claim text, p_accuracy_m double precision, p_default_tol_m double precision) RETURNS TABLE(status text, claimed_code text, detected_code text, distance_m double precision, region_code text) LANGUAGE plpgsql STABLE SET jit=off SET plan_cache_mode=force_generic_plan;
FUNCTION sigap_location_check(p_pt geometry, p_claim text, p_candidates text[], p_accuracy_m double precision, p_default_tol_m double precision) RETURNS TABLE(status text, claimed_code text, detected_code text, distance_m double precision, region_code text) LANGUAGE plpgsql STABLE SET jit=off SET plan_cache_mode=force_generic_plan;
FUNCTION sigap_match_key(p_category text, p_location geometry) RETURNS geometry LANGUAGE sql IMMUTABLE;
FUNCTION sigap_match_point(p_category text, p_channel text, p_pt geometry, p_region text, p_at timestamp with time zone, p_categories text[], p_radius_m double precision, p_window_h double precision, p_dx double precision, p_dy double precision, p_route jsonb, OUT incident_id uuid, OUT is_new boolean, OUT route jsonb) RETURNS record LANGUAGE plpgsql VOLATILE SET jit=off SET plan_cache_mode=force_generic_plan;
FUNCTION sigap_match_slot(p_category text) RETURNS double precision LANGUAGE sql IMMUTABLE;
FUNCTION sigap_name_candidates(p_name text, p_quals text[]) RETURNS text[] LANGUAGE plpgsql STABLE;
FUNCTION sigap_nearest_of(p_codes text[], p_pt geometry) RETURNS text LANGUAGE plpgsql STABLE;
FUNCTION sigap_nearest_open_incident(p_pt geometry, p_at timestamp with time zone, p_categories text[], p_radius_m double precision, p_window_h double precision, p_dx double precision, p_dy double precision) RETURNS TABLE(id uuid) LANGUAGE sql STABLE;
FUNCTION sigap_region_ancestor_keys(p_code text) RETURNS text[] LANGUAGE plpgsql STABLE;
FUNCTION sigap_region_geom(p_code text) RETURNS geometry LANGUAGE plpgsql STABLE;
FUNCTION sigap_region_key(t text) RETURNS text LANGUAGE sql IMMUTABLE;
FUNCTION sigap_region_name(p_code text) RETURNS text LANGUAGE plpgsql STABLE;
FUNCTION sigap_resolve_claim(p_claim text, p_pt geometry) RETURNS text LANGUAGE sql STABLE;
FUNCTION sigap_route_tickets(p_ids uuid[], p_routed_at timestamp with time zone) RETURNS SETOF incidents LANGUAGE plpgsql VOLATILE;
FUNCTION sigap_sla_due(p_start timestamp with time zone, p_minutes integer, p_working boolean) RETURNS timestamp with time zone LANGUAGE sql STABLE;
FUNCTION sigap_sla_due(p_start timestamp with time zone, p_minutes integer, p_working boolean, p_paused_s integer, p_paused_working_s integer) RETURNS timestamp with time zone LANGUAGE plpgsql STABLE;
FUNCTION sigap_ticket_opened(p_id uuid, p_status text, p_created_at timestamp with time zone, p_agency text, p_routed_at timestamp with time zone) RETURNS void LANGUAGE plpgsql VOLATILE;
FUNCTION sigap_ticket_opened_rows(p_id uuid, p_status text, p_created_at timestamp with time zone, p_agency text, p_routed_at timestamp with time zone) RETURNS TABLE(incident_id uuid, kind text, to_status text, agency_code text, actor_role text, note text, data jsonb, at timestamp with time zone) LANGUAGE sql IMMUTABLE;
FUNCTION sigap_ticket_routing(p_category text, p_region text, p_created timestamp with time zone, OUT agency_code text, OUT priority smallint, OUT is_emergency boolean, OUT response_due_at timestamp with time zone, OUT resolve_due_at timestamp with time zone) RETURNS record LANGUAGE plpgsql STABLE;
FUNCTION sigap_ticket_routing(p_category text, p_region text, p_created timestamp with time zone, p_paused_s integer, p_paused_working_s integer, OUT agency_code text, OUT priority smallint, OUT is_emergency boolean, OUT response_due_at timestamp with time zone, OUT resolve_due_at timestamp with time zone) RETURNS record LANGUAGE plpgsql STABLE;
FUNCTION sigap_working_seconds(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS integer LANGUAGE plpgsql STABLE;
