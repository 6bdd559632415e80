-- "Field check": a special team (tim khusus) checks the site before the ticket is dispatched.
-- "Waiting for the reporter": the command room asked the reporter for more information. The
-- resolution clock stops while a ticket waits (paused_at: since when) and runs on afterwards.
ALTER TABLE incidents DROP CONSTRAINT incidents_status_chk;
ALTER TABLE incidents ADD CONSTRAINT incidents_status_chk
  CHECK (status IN ('new', 'verified', 'field_check', 'waiting_reporter', 'dispatched', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened'));
ALTER TABLE incidents ADD COLUMN paused_at timestamptz;
