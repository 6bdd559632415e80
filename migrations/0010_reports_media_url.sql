-- Issue 17 (input and data loss).

-- The media_url an Open311 client posts with a request (GeoReport v2): kept and read back,
-- where it was dropped before. Only http(s) URLs get here (open311.schema.ts).
ALTER TABLE reports ADD COLUMN media_url text;

-- The claim of a code in any scheme (issue 17) is in migrations/functions/regions.sql
-- (sigap_claim_candidates), the one current definition of that function.
