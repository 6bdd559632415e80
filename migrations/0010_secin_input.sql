-- Issue 17 (input and data loss).

-- The media_url an Open311 client posts with a request (GeoReport v2): kept and read back,
-- where it was dropped before. Only http(s) URLs get here (open311.schema.ts).
ALTER TABLE reports ADD COLUMN media_url text;

-- A claim equal to the code of a region we hold resolves to that region, whatever the code
-- scheme of the boundary file (an import with --code-prop may bring plain numbers such as
-- "402"), before any name is tried. Otherwise as in 0003: Kemendagri codes (with or without
-- dots), then names.
CREATE OR REPLACE FUNCTION sigap_claim_candidates(p_claim text) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  t text := btrim(p_claim);
  parts text[];
  words text[];
  n int;
  found text[];
BEGIN
  IF t IS NULL OR t = '' THEN RETURN NULL; END IF;
  IF EXISTS (SELECT 1 FROM regions WHERE code = t) THEN RETURN ARRAY[t]; END IF;
  IF t ~ '^[0-9]{10}$' THEN
    t := substr(t, 1, 2) || '.' || substr(t, 3, 2) || '.' || substr(t, 5, 2) || '.' || substr(t, 7, 4);
  END IF;
  IF t ~ '^[0-9]{2}(\.[0-9]{2}){0,2}(\.[0-9]{4})?$' THEN
    -- A code we hold, or a kecamatan code whose kelurahan we hold.
    IF EXISTS (SELECT 1 FROM regions WHERE code = t) OR EXISTS (SELECT 1 FROM regions WHERE parent_code = t) THEN RETURN ARRAY[t]; END IF;
    RETURN NULL;
  END IF;
  parts := array_remove(regexp_split_to_array(t, '\s*[,;/|()]+\s*'), '');
  n := coalesce(array_length(parts, 1), 0);
  FOR i IN 1..n LOOP
    found := sigap_name_candidates(parts[i], parts[i + 1:n]);
    IF found IS NOT NULL THEN RETURN found; END IF;
  END LOOP;
  -- No separators: "Rawasari Cempaka Putih". The longest leading run of words that names a
  -- region wins, the rest qualifies it.
  IF n >= 1 THEN
    words := regexp_split_to_array(btrim(parts[1]), '\s+');
    FOR k IN REVERSE coalesce(array_length(words, 1), 0) - 1..1 LOOP
      found := sigap_name_candidates(array_to_string(words[1:k], ' '), ARRAY[array_to_string(words[k + 1:], ' ')]);
      IF found IS NOT NULL THEN RETURN found; END IF;
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
