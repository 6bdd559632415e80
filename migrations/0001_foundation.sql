-- Foundation: regions, categories, reports and the event log.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE regions (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  level        text NOT NULL CHECK (level IN ('provinsi', 'kabupaten', 'kecamatan', 'kelurahan')),
  parent_code  text,
  geom         geometry(MultiPolygon, 4326) NOT NULL,
  label_point  geometry(Point, 4326) NOT NULL,
  area_km2     double precision NOT NULL,
  is_demo      boolean NOT NULL DEFAULT false,
  props        jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX regions_level_idx ON regions (level);
CREATE INDEX regions_parent_idx ON regions (parent_code);
CREATE INDEX regions_geom_idx ON regions USING gist (geom);
CREATE INDEX regions_lower_name_idx ON regions (lower(name));

-- Small pieces of every region (ST_Subdivide) so that point-in-polygon tests touch a few
-- vertices instead of a whole kecamatan outline.
CREATE TABLE region_parts (
  id           bigserial PRIMARY KEY,
  region_code  text NOT NULL REFERENCES regions(code) ON DELETE CASCADE,
  level        text NOT NULL,
  geom         geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX region_parts_geom_idx ON region_parts USING gist (geom);
CREATE INDEX region_parts_region_idx ON region_parts (region_code);

CREATE TABLE categories (
  code        text PRIMARY KEY,
  name_id     text NOT NULL,
  name_en     text NOT NULL,
  grp         text NOT NULL,
  color       text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  sort_order  integer NOT NULL DEFAULT 100
);

INSERT INTO categories (code, name_id, name_en, grp, color, sort_order) VALUES
  ('kebakaran',        'Kebakaran',                  'Fire',                    'darurat',     '#ff3b30', 1),
  ('kecelakaan',       'Kecelakaan',                 'Accident',                'darurat',     '#ff6b3d', 2),
  ('darurat_medis',    'Darurat medis',              'Medical emergency',       'darurat',     '#ff2d75', 3),
  ('banjir',           'Banjir / genangan',          'Flood',                   'bencana',     '#2f8cff', 4),
  ('pohon_tumbang',    'Pohon tumbang',              'Fallen tree',             'bencana',     '#4cd964', 5),
  ('longsor',          'Tanah longsor',              'Landslide',               'bencana',     '#a2845e', 6),
  ('listrik_padam',    'Listrik padam',              'Power outage',            'utilitas',    '#ffd60a', 7),
  ('air_bersih',       'Air bersih / PDAM',          'Water supply',            'utilitas',    '#5ac8fa', 8),
  ('jalan_rusak',      'Jalan rusak',                'Road damage',             'infrastruktur', '#ff9500', 9),
  ('drainase',         'Saluran / drainase',         'Drainage',                'infrastruktur', '#64d2ff', 10),
  ('penerangan_jalan', 'Penerangan jalan umum',      'Street lighting',         'infrastruktur', '#fff3a3', 11),
  ('sampah',           'Sampah',                     'Waste',                   'lingkungan',  '#8e8e93', 12),
  ('kemacetan',        'Kemacetan / lalu lintas',    'Traffic',                 'transportasi', '#bf5af2', 13),
  ('ketertiban',       'Ketertiban umum',            'Public order',            'sosial',      '#ac8e68', 14),
  ('keamanan',         'Keamanan / kriminalitas',    'Security / crime',        'sosial',      '#d70015', 15),
  ('sosial',           'Kesejahteraan sosial',       'Social welfare',          'sosial',      '#30d158', 16),
  ('kesehatan',        'Layanan kesehatan',          'Health services',         'layanan',     '#ff375f', 17),
  ('pelayanan_publik', 'Pelayanan publik',           'Public services',         'layanan',     '#0a84ff', 18),
  ('tata_ruang',       'Tata ruang / bangunan',      'Spatial planning',        'layanan',     '#9f8fef', 19),
  ('lainnya',          'Lainnya',                    'Other',                   'lainnya',     '#c7c7cc', 99);

CREATE TABLE reports (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  channel           text NOT NULL,
  external_id       text,
  idempotency_key   text,
  category_code     text NOT NULL REFERENCES categories(code),
  description       text NOT NULL,
  location          geometry(Point, 4326) NOT NULL,
  accuracy_m        double precision,
  claimed_region    text,
  region_code       text REFERENCES regions(code) ON DELETE SET NULL,
  reporter_name     text,
  reporter_phone    text,
  reporter_private  boolean NOT NULL DEFAULT false,
  reported_at       timestamptz NOT NULL,
  received_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reports_channel_external_uq ON reports (channel, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX reports_idempotency_uq ON reports (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX reports_location_idx ON reports USING gist (location);
CREATE INDEX reports_reported_at_idx ON reports (reported_at);
CREATE INDEX reports_region_idx ON reports (region_code);

-- Append-only log of every change. txid comes before seq so that the transaction id is
-- taken before the sequence number (defaults are evaluated in column order): the event
-- feed relies on it to tell a gap that will still fill from one that never will.
CREATE TABLE events (
  txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
  seq         bigserial PRIMARY KEY,
  type        text NOT NULL,
  data        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
