-- A status message that a newer one for the same report replaces before it went out is not
-- sent: a reporter whose ticket moved three times while the gateway was down, or within one
-- delivery round, gets the state it is in, once, not three messages at once (and a retried old
-- state never arrives after the new one). supersede_key names what replaces what
-- (`status:<report id>`); a message without one is never superseded.
ALTER TABLE outbox_messages ADD COLUMN supersede_key text;
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_status_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_status_check CHECK (status IN ('pending', 'sent', 'failed', 'superseded'));
CREATE INDEX outbox_supersede_idx ON outbox_messages (supersede_key) WHERE status = 'pending';
