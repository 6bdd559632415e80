-- A caller (112) or walk-in who agreed to be told how their report goes: status messages then
-- go to the phone they gave (through the WhatsApp outbox), as for WhatsApp reporters.
CREATE TABLE report_contact_consents (
  report_id   uuid PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now()
);
