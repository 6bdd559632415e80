-- Tickets (issue 5): agencies, the category catalogue's routing and SLA, the ticket lifecycle
-- on incidents (the incident IS the ticket), ratings, the satisfaction survey (SKM), users,
-- sessions and display tokens.

-- Agencies (OPD and outside services the command center forwards to). region_codes null:
-- the whole area; otherwise only regions whose code equals or starts with one of them.
CREATE TABLE agencies (
  code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{2,40}$'),
  name_id       text NOT NULL,
  name_en       text NOT NULL,
  short_name    text NOT NULL,
  region_codes  text[],
  active        boolean NOT NULL DEFAULT true,
  sort_order    integer NOT NULL DEFAULT 100
);

INSERT INTO agencies (code, short_name, name_id, name_en, sort_order) VALUES
  ('command_center', 'Command Center', 'Command Center / Call Center 112 (Diskominfo)', 'Command center / call center 112', 1),
  ('damkar',       'Damkar',        'Dinas Pemadam Kebakaran dan Penyelamatan',            'Fire and rescue service', 2),
  ('pln',          'PLN',           'PT PLN (Persero) Unit Layanan Pelanggan',             'State electricity company (PLN)', 3),
  ('rsud',         'RSUD',          'Rumah Sakit Umum Daerah',                             'Regional general hospital', 4),
  ('dinkes',       'Dinkes',        'Dinas Kesehatan / Puskesmas',                         'Health office / community health centres', 5),
  ('polres',       'Polres',        'Kepolisian Resor',                                    'District police', 6),
  ('psc119',       'PSC 119',       'Public Safety Center 119 (Ambulans Gawat Darurat)',   'Ambulance (PSC 119)', 7),
  ('jasamarga',    'Jasa Marga',    'PT Jasa Marga (Persero) - Operator Jalan Tol',        'Toll road operator (Jasa Marga)', 8),
  ('satpolpp',     'Satpol PP',     'Satuan Polisi Pamong Praja',                          'Public order agency', 9),
  ('tata_ruang',   'Tata Ruang',    'Bidang Penataan Ruang (Dinas PUPR)',                  'Spatial planning', 10),
  ('dinsos',       'Dinsos',        'Dinas Sosial',                                        'Social affairs office', 11),
  ('pupr',         'PUPR',          'Dinas Pekerjaan Umum dan Penataan Ruang (Bina Marga)', 'Public works (roads)', 12),
  ('kecamatan',    'Kecamatan',     'Kantor Kecamatan',                                    'District office', 13),
  ('pdam',         'PDAM',          'Perumda Air Minum (PDAM)',                            'Water utility (PDAM)', 14),
  ('bpbd',         'BPBD',          'Badan Penanggulangan Bencana Daerah',                 'Disaster management agency', 15),
  ('dlh',          'DLH',           'Dinas Lingkungan Hidup',                              'Environment office', 16),
  ('dishub',       'Dishub',        'Dinas Perhubungan',                                   'Transport office', 17),
  ('disdik',       'Disdikbud',     'Dinas Pendidikan dan Kebudayaan',                     'Education and culture office', 18),
  ('disnaker',     'Disnaker',      'Dinas Tenaga Kerja',                                  'Manpower office', 19),
  ('disdukcapil',  'Disdukcapil',   'Dinas Kependudukan dan Pencatatan Sipil',             'Civil registration office', 20),
  ('diskominfo',   'Diskominfo',    'Dinas Komunikasi dan Informatika',                    'Communication and informatics office', 21),
  ('disperindag',  'Disperindag',   'Dinas Perdagangan, Perindustrian, Koperasi dan UKM',  'Trade, industry and cooperatives office', 22),
  ('distan',       'Distan',        'Dinas Pertanian dan Peternakan',                      'Agriculture and livestock office', 23),
  ('dpmd',         'DPMD',          'Dinas Pemberdayaan Masyarakat dan Desa',              'Village community empowerment office', 24),
  ('dp3a',         'DP3A',          'Dinas Pemberdayaan Perempuan dan Perlindungan Anak',  'Women empowerment and child protection office', 25),
  ('bkpsdm',       'BKPSDM',        'Badan Kepegawaian dan Pengembangan SDM',              'Civil service agency', 26),
  ('bag_hukum',    'Bagian Hukum',  'Bagian Hukum Sekretariat Daerah',                     'Legal division of the regional secretariat', 27),
  ('kemenag',      'Kemenag',       'Kantor Kementerian Agama',                            'Religious affairs office', 28);

-- The catalogue: who handles a category by default, how urgent it is and its SLA.
-- sla_working_days: the SLA minutes run only on working days (SP4N-LAPOR! style; weekends
-- and the dates in `holidays` do not count, in WIB); otherwise they run on the clock.
ALTER TABLE categories
  ADD COLUMN agency_code          text REFERENCES agencies(code),
  ADD COLUMN priority             smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 4),
  ADD COLUMN is_emergency         boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_response_minutes integer NOT NULL DEFAULT 4320 CHECK (sla_response_minutes > 0),
  ADD COLUMN sla_resolve_minutes  integer NOT NULL DEFAULT 7200 CHECK (sla_resolve_minutes > 0),
  ADD COLUMN sla_working_days     boolean NOT NULL DEFAULT false,
  -- The SP4N-LAPOR! main category it corresponds to (for imports and reporting to LAPOR).
  ADD COLUMN lapor_category       text;

-- Categories for the call-center services and the common SP4N-LAPOR! main categories that the
-- foundation's 20 do not cover (LAPOR 2025 sample counts in lapor_categories.json).
INSERT INTO categories (code, name_id, name_en, grp, color, sort_order) VALUES
  ('jalan_tol',            'Gangguan jalan tol',              'Toll road incident',            'darurat',      '#ff9f0a', 20),
  ('rumah_sakit',          'Layanan rumah sakit / rujukan',   'Hospital services / referral',  'layanan',      '#ff6482', 21),
  ('hewan_liar',           'Evakuasi hewan liar',             'Wild animal evacuation',        'darurat',      '#a2845e', 22),
  ('pendidikan',           'Pendidikan dan kebudayaan',       'Education and culture',         'layanan',      '#5e5ce6', 30),
  ('ketenagakerjaan',      'Ketenagakerjaan',                 'Employment',                    'layanan',      '#32ade6', 31),
  ('kependudukan',         'Kependudukan (KTP, KK, akta)',    'Civil registration',            'layanan',      '#64d2ff', 32),
  ('lingkungan_hidup',     'Lingkungan hidup / pencemaran',   'Environment / pollution',       'lingkungan',   '#34c759', 33),
  ('perhubungan',          'Perhubungan / angkutan umum',     'Transport / public transit',    'transportasi', '#bf5af2', 34),
  ('teknologi_informasi',  'Teknologi informasi dan komunikasi', 'Information and communication technology', 'layanan', '#0a84ff', 35),
  ('ekonomi_keuangan',     'Ekonomi dan keuangan',            'Economy and finance',           'layanan',      '#ffd60a', 36),
  ('energi_sda',           'Energi dan sumber daya alam (BBM, LPG)', 'Energy and natural resources (fuel, LPG)', 'utilitas', '#ff9500', 37),
  ('perlindungan_konsumen','Perlindungan konsumen',           'Consumer protection',           'layanan',      '#ac8e68', 38),
  ('politik_hukum',        'Politik dan hukum',               'Politics and law',              'layanan',      '#8e8e93', 39),
  ('pembangunan_desa',     'Pembangunan desa',                'Village development',           'layanan',      '#30d158', 40),
  ('pertanian',            'Pertanian dan peternakan',        'Agriculture and livestock',     'layanan',      '#a3d977', 41),
  ('agama',                'Agama',                           'Religious affairs',             'layanan',      '#c7a17a', 42),
  ('gender_inklusi',       'Kesetaraan gender, perlindungan anak dan kekerasan', 'Gender equality, child protection and violence', 'sosial', '#ff375f', 43),
  ('netralitas_asn',       'Netralitas / politisasi ASN',     'Civil servant neutrality',      'layanan',      '#636366', 44),
  ('narkotika',            'Narkotika (P4GN)',                'Narcotics (P4GN)',              'sosial',       '#d70015', 45),
  ('makan_bergizi',        'Program Makan Bergizi Gratis',    'Free nutritious meals programme', 'layanan',    '#ffcc00', 46);

-- (code, agency, priority, emergency, response minutes, resolve minutes, working days, LAPOR category)
UPDATE categories c SET agency_code = v.agency, priority = v.prio, is_emergency = v.emerg,
  sla_response_minutes = v.resp, sla_resolve_minutes = v.res, sla_working_days = v.wd, lapor_category = v.lapor
FROM (VALUES
  ('kebakaran',        'damkar',      1, true,    15,   360, false, 'KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT'),
  ('kecelakaan',       'psc119',      1, true,    15,   240, false, 'PERHUBUNGAN'),
  ('darurat_medis',    'psc119',      1, true,    10,   120, false, 'KESEHATAN'),
  ('banjir',           'bpbd',        2, true,    30,  1440, false, 'LINGKUNGAN HIDUP DAN KEHUTANAN'),
  ('pohon_tumbang',    'bpbd',        2, false,   60,   720, false, 'LINGKUNGAN HIDUP DAN KEHUTANAN'),
  ('longsor',          'bpbd',        1, true,    30,  2880, false, 'LINGKUNGAN HIDUP DAN KEHUTANAN'),
  ('listrik_padam',    'pln',         2, false,   60,  1440, false, 'ENERGI DAN SUMBER DAYA ALAM'),
  ('air_bersih',       'pdam',        2, false,  240,  4320, false, 'PEKERJAAN UMUM DAN PENATAAN RUANG'),
  ('jalan_rusak',      'pupr',        3, false, 4320, 14400, true,  'PEKERJAAN UMUM DAN PENATAAN RUANG'),
  ('drainase',         'pupr',        3, false, 4320, 14400, true,  'PEKERJAAN UMUM DAN PENATAAN RUANG'),
  ('penerangan_jalan', 'dishub',      3, false, 4320,  7200, true,  'PERHUBUNGAN'),
  ('sampah',           'dlh',         3, false, 1440,  4320, true,  'LINGKUNGAN HIDUP DAN KEHUTANAN'),
  ('kemacetan',        'dishub',      2, false,   60,   360, false, 'PERHUBUNGAN'),
  ('ketertiban',       'satpolpp',    3, false, 1440,  7200, true,  'KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT'),
  ('keamanan',         'polres',      1, true,    15,  1440, false, 'KETENTERAMAN, KETERTIBAN UMUM, DAN PELINDUNGAN MASYARAKAT'),
  ('sosial',           'dinsos',      3, false, 4320, 14400, true,  'SOSIAL DAN KESEJAHTERAAN'),
  ('kesehatan',        'dinkes',      3, false, 4320,  7200, true,  'KESEHATAN'),
  ('pelayanan_publik', 'kecamatan',   3, false, 4320,  7200, true,  'TOPIK LAINNYA'),
  ('tata_ruang',       'tata_ruang',  4, false, 4320, 21600, true,  'PEKERJAAN UMUM DAN PENATAAN RUANG'),
  ('lainnya',          'command_center', 4, false, 4320, 7200, true, 'TOPIK LAINNYA'),
  ('jalan_tol',        'jasamarga',   2, true,    30,   360, false, 'PERHUBUNGAN'),
  ('rumah_sakit',      'rsud',        2, false,   60,  1440, false, 'KESEHATAN'),
  ('hewan_liar',       'damkar',      2, false,   60,  1440, false, 'EVAKUASI HEWAN LIAR'),
  ('pendidikan',       'disdik',      3, false, 4320,  7200, true,  'PENDIDIKAN DAN KEBUDAYAAN'),
  ('ketenagakerjaan',  'disnaker',    3, false, 4320,  7200, true,  'KETENAGAKERJAAN'),
  ('kependudukan',     'disdukcapil', 3, false, 4320,  7200, true,  'KEPENDUDUKAN'),
  ('lingkungan_hidup', 'dlh',         3, false, 4320,  7200, true,  'LINGKUNGAN HIDUP DAN KEHUTANAN'),
  ('perhubungan',      'dishub',      3, false, 4320,  7200, true,  'PERHUBUNGAN'),
  ('teknologi_informasi', 'diskominfo', 3, false, 4320, 7200, true, 'TEKNOLOGI INFORMASI DAN KOMUNIKASI'),
  ('ekonomi_keuangan', 'disperindag', 3, false, 4320,  7200, true,  'EKONOMI DAN KEUANGAN'),
  ('energi_sda',       'disperindag', 3, false, 4320,  7200, true,  'ENERGI DAN SUMBER DAYA ALAM'),
  ('perlindungan_konsumen', 'disperindag', 3, false, 4320, 7200, true, 'PERLINDUNGAN KONSUMEN'),
  ('politik_hukum',    'bag_hukum',   4, false, 4320,  7200, true,  'POLITIK DAN HUKUM'),
  ('pembangunan_desa', 'dpmd',        3, false, 4320,  7200, true,  'PEMBANGUNAN DESA, DAERAH TERTINGGAL, DAN TRANSMIGRASI'),
  ('pertanian',        'distan',      3, false, 4320,  7200, true,  'PERTANIAN DAN PETERNAKAN'),
  ('agama',            'kemenag',     4, false, 4320,  7200, true,  'AGAMA'),
  ('gender_inklusi',   'dp3a',        2, false, 1440,  7200, true,  'KESETARAAN GENDER DAN SOSIAL INKLUSIF'),
  ('netralitas_asn',   'bkpsdm',      3, false, 4320,  7200, true,  'NETRALITAS ASN'),
  ('narkotika',        'polres',      2, false, 1440,  7200, true,  'PENCEGAHAN DAN PEMBERANTASAN PENYALAHGUNAAN DAN PEREDARAN GELAP NARKOTIKA DAN PREKURSOR NARKOTIKA (P4GN)'),
  ('makan_bergizi',    'dinkes',      2, false, 1440,  4320, true,  'PROGRAM MAKAN BERGIZI GRATIS (MBG)')
) AS v(code, agency, prio, emerg, resp, res, wd, lapor)
WHERE c.code = v.code;

-- Region-specific routing: for a category, the agency that serves regions under a code
-- prefix (e.g. one Puskesmas or Kecamatan office per kecamatan). The longest matching prefix
-- wins; without one the category's default agency applies if it covers the region.
CREATE TABLE routing_rules (
  category_code  text NOT NULL REFERENCES categories(code) ON DELETE CASCADE,
  region_code    text NOT NULL,
  agency_code    text NOT NULL REFERENCES agencies(code),
  PRIMARY KEY (category_code, region_code)
);

-- Public holidays (dates in WIB) that working-day SLAs skip. The fixed-date national
-- holidays are seeded; admins add the moving ones each year.
CREATE TABLE holidays (
  day   date PRIMARY KEY,
  name  text NOT NULL
);
INSERT INTO holidays (day, name)
SELECT make_date(y, m, d), n
FROM generate_series(2024, 2030) AS y,
     (VALUES (1, 1, 'Tahun Baru Masehi'), (5, 1, 'Hari Buruh Internasional'), (6, 1, 'Hari Lahir Pancasila'),
             (8, 17, 'Hari Kemerdekaan Republik Indonesia'), (12, 25, 'Hari Raya Natal')) AS h(m, d, n);

-- The ticket lifecycle on incidents.
ALTER TABLE incidents
  ADD COLUMN agency_code           text REFERENCES agencies(code),
  ADD COLUMN field_team            text,
  ADD COLUMN priority              smallint NOT NULL DEFAULT 3,
  ADD COLUMN is_emergency          boolean NOT NULL DEFAULT false,
  -- Set when the routing step (or the periodic catch-up for incidents made by splits) ran.
  ADD COLUMN routed_at             timestamptz,
  ADD COLUMN response_due_at       timestamptz,
  ADD COLUMN resolve_due_at        timestamptz,
  -- First move away from 'new' (verified, dispatched, rejected...).
  ADD COLUMN first_response_at     timestamptz,
  ADD COLUMN resolved_at           timestamptz,
  -- When it left the open states (resolved, closed, rejected); cleared when reopened.
  ADD COLUMN ended_at              timestamptz,
  ADD COLUMN response_breached_at  timestamptz,
  ADD COLUMN resolve_breached_at   timestamptz,
  ADD COLUMN status_changed_at     timestamptz,
  ADD COLUMN resolution_note       text,
  ADD COLUMN resolution_photo_ids  text[] NOT NULL DEFAULT '{}',
  ADD COLUMN reject_reason         text,
  ADD CONSTRAINT incidents_status_chk
    CHECK (status IN ('new', 'verified', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'));

UPDATE incidents SET ended_at = updated_at WHERE status IN ('resolved', 'closed', 'rejected') AND ended_at IS NULL;

CREATE INDEX incidents_agency_created_idx ON incidents (agency_code, created_at);
CREATE INDEX incidents_created_idx ON incidents (created_at);
-- The SLA checker's two questions, each a small partial index.
CREATE INDEX incidents_response_due_idx ON incidents (response_due_at)
  WHERE first_response_at IS NULL AND response_breached_at IS NULL AND merged_into IS NULL;
CREATE INDEX incidents_resolve_due_idx ON incidents (resolve_due_at)
  WHERE ended_at IS NULL AND resolve_breached_at IS NULL AND merged_into IS NULL;
CREATE INDEX incidents_unrouted_idx ON incidents (created_at) WHERE routed_at IS NULL;

-- The whole history of every ticket: each transition, routing and SLA breach.
CREATE TABLE ticket_events (
  id             bigserial PRIMARY KEY,
  incident_id    uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('opened', 'routed', 'transition', 'sla_breached', 'rated')),
  from_status    text,
  to_status      text,
  agency_code    text,
  actor_user_id  uuid,
  actor_role     text,
  note           text,
  data           jsonb NOT NULL DEFAULT '{}'::jsonb,
  at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_incident_idx ON ticket_events (incident_id, id);

-- Citizens' ratings (1-5) after resolution: one per report, through its link or the API.
CREATE TABLE rating_links (
  report_id    uuid PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
  incident_id  uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  token        text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE ratings (
  report_id    uuid PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
  incident_id  uuid NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  agency_code  text REFERENCES agencies(code),
  score        smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment      text,
  via          text NOT NULL CHECK (via IN ('link', 'api')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_agency_idx ON ratings (agency_code, created_at);

-- Satisfaction survey (SKM, Permenpan-RB 14/2017): 10 elements scored 1-4.
CREATE TABLE skm_responses (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_code   text NOT NULL REFERENCES agencies(code),
  scores        smallint[] NOT NULL CHECK (array_length(scores, 1) = 10 AND 1 <= ALL(scores) AND 4 >= ALL(scores)),
  -- Set when the survey came through a rating link: one response per link.
  report_id     uuid UNIQUE REFERENCES reports(id) ON DELETE SET NULL,
  idempotency_key text UNIQUE,
  submitted_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skm_responses_agency_idx ON skm_responses (agency_code, submitted_at);
CREATE TABLE skm_recommendations (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_code     text NOT NULL REFERENCES agencies(code),
  period          text NOT NULL,
  text            text NOT NULL,
  author_user_id  uuid,
  author_role     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX skm_recommendations_idx ON skm_recommendations (agency_code, period);

-- Users, sessions and wall display tokens. Secrets are stored only as hashes.
CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username       text NOT NULL,
  display_name   text NOT NULL,
  role           text NOT NULL CHECK (role IN ('admin', 'operator', 'leadership', 'region_head', 'agency_staff', 'field_officer')),
  region_codes   text[] NOT NULL DEFAULT '{}',
  agency_code    text REFERENCES agencies(code),
  password_hash  text NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'region_head' OR cardinality(region_codes) > 0),
  CHECK (role NOT IN ('agency_staff', 'field_officer') OR agency_code IS NOT NULL)
);
CREATE UNIQUE INDEX users_username_uq ON users (lower(username));

CREATE TABLE sessions (
  token_sha256  text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE display_tokens (
  token_sha256  text PRIMARY KEY,
  name          text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);
