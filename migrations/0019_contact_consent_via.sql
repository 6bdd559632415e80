-- How a caller agreed to be told of their report's status: by SMS (an SMS gateway, the default for
-- a phone call) or on WhatsApp (what the 112 screen offered before: the consents kept so far).
ALTER TABLE report_contact_consents ADD COLUMN via text NOT NULL DEFAULT 'whatsapp';
ALTER TABLE report_contact_consents ADD CONSTRAINT report_contact_consents_via_chk CHECK (via IN ('sms', 'whatsapp'));
ALTER TABLE report_contact_consents ALTER COLUMN via SET DEFAULT 'sms';
