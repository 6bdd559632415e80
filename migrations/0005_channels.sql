-- Channels and interoperability: Open311 API keys, the WhatsApp webhook's replay guard and
-- pending conversations, the outbox of replies, photos, and bulk-import checkpoints.

-- Open311 clients. Only a SHA-256 of each key is kept, so a leaked table leaks no key.
-- (Keys may also come from SIGAP_OPEN311_API_KEYS; see server/open311/open311.keys.ts.)
CREATE TABLE open311_api_keys (
  key_sha256   text PRIMARY KEY,
  name         text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz
);

-- Every WhatsApp message id accepted: a replayed or re-delivered webhook finds its id here
-- and makes nothing new. Rows older than twice the accepted message age are pruned.
CREATE TABLE whatsapp_seen_messages (
  message_id   text PRIMARY KEY,
  sent_at      timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_seen_received_idx ON whatsapp_seen_messages (received_at);

-- Messages from one sender gathered until they make a report (location + words). Kept in
-- the database from the moment the webhook accepts them, so a restart loses nothing.
CREATE TABLE whatsapp_conversations (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sender           text NOT NULL,
  sender_name      text,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'flushed', 'abandoned')),
  first_message_id text NOT NULL,
  message_ids      text[] NOT NULL DEFAULT '{}',
  texts            jsonb NOT NULL DEFAULT '[]'::jsonb,
  location         jsonb,
  media            jsonb NOT NULL DEFAULT '[]'::jsonb,
  started_at       timestamptz NOT NULL DEFAULT now(),
  last_message_at  timestamptz NOT NULL DEFAULT now(),
  reminded_at      timestamptz,
  report_id        uuid REFERENCES reports(id) ON DELETE SET NULL,
  flushed_at       timestamptz
);
CREATE UNIQUE INDEX whatsapp_conversations_open_uq ON whatsapp_conversations (sender) WHERE status = 'open';
CREATE INDEX whatsapp_conversations_due_idx ON whatsapp_conversations (last_message_at) WHERE status = 'open';
CREATE INDEX whatsapp_conversations_report_idx ON whatsapp_conversations (report_id);

-- Replies to citizens (acknowledgements, status changes), written before they are sent and
-- delivered by a worker: a crash between deciding and sending delays a reply, never drops it.
-- dedup_key makes the same reply decided twice (two processes, a retried event) one row.
CREATE TABLE outbox_messages (
  id             bigserial PRIMARY KEY,
  channel        text NOT NULL,
  recipient      text NOT NULL,
  body           text NOT NULL,
  dedup_key      text NOT NULL UNIQUE,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts       integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending';

-- Photos of reports and of incidents (ticket updates). The bytes live in a PhotoStore (disk
-- by default); these rows say what they are. The served copies carry no metadata: the EXIF
-- position is kept here only, to offer it as a report's location.
CREATE TABLE photos (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  report_id     uuid REFERENCES reports(id) ON DELETE CASCADE,
  incident_id   uuid REFERENCES incidents(id) ON DELETE CASCADE,
  -- Set by the tickets module when a photo belongs to one status update (e.g. "resolved").
  update_ref    text,
  source        text NOT NULL,
  content_type  text NOT NULL,
  bytes         integer NOT NULL,
  width         integer NOT NULL,
  height        integer NOT NULL,
  sha256        text NOT NULL,
  exif_lat      double precision,
  exif_lon      double precision,
  taken_at      timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (report_id IS NOT NULL OR incident_id IS NOT NULL)
);
CREATE INDEX photos_report_idx ON photos (report_id);
CREATE INDEX photos_incident_idx ON photos (incident_id);
-- The same picture uploaded twice to the same report (a retried upload) is stored once.
CREATE UNIQUE INDEX photos_report_sha_uq ON photos (report_id, sha256) WHERE report_id IS NOT NULL;
CREATE UNIQUE INDEX photos_incident_sha_uq ON photos (incident_id, sha256, coalesce(update_ref, '')) WHERE report_id IS NULL;

-- Bulk imports (SP4N-LAPOR! exports...): one row per source file (by content hash), with
-- the row the next batch starts at, so that a run stopped half way resumes there.
CREATE TABLE import_runs (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL,
  file_sha256   text NOT NULL,
  file_name     text NOT NULL,
  total_rows    integer NOT NULL,
  next_row      integer NOT NULL DEFAULT 0,
  imported      integer NOT NULL DEFAULT 0,
  duplicates    integer NOT NULL DEFAULT 0,
  rejected      jsonb NOT NULL DEFAULT '[]'::jsonb,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, file_sha256)
);
