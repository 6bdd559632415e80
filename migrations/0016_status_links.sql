-- Secrets the server keeps in its database, made here from the strong random generator
-- (gen_random_uuid). `status_link` signs the citizens' status links (/status/NUMBER?k=...):
-- a report's id is public through Open311, so a link must carry a tag only the server can make.
CREATE TABLE sigap_secrets (
  name   text PRIMARY KEY,
  value  text NOT NULL
);
INSERT INTO sigap_secrets (name, value)
VALUES ('status_link', replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''));
