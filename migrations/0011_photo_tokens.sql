-- Issue 17: who may add photos to a report after intake. The intake answer carries a random
-- capability token once; only its SHA-256 is kept here, so a leaked database cannot add photos.
CREATE TABLE report_photo_tokens (
  report_id uuid PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
  token_sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
