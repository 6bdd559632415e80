-- Current definitions, re-applied by server/db/migrate.ts after the numbered migrations
-- (CREATE OR REPLACE: edit the function here, not in a new migration; see
-- docs/architecture-notes.md). Regions by name: resolving what a report claims (a code, a
-- name, a name with the names it sits under) to the regions it may mean.

-- A region name as a comparable key: lower case, accents and old spellings folded (Tjikini =
-- Cikini, Djati = Jati, Koebang = Kubang), leading administrative words dropped ("Kel.",
-- "Kelurahan", "Desa", "Ds.", "Kec.", "Kab.", "Kota Administrasi"...; repeatedly, the same on
-- both sides, so "Kota Bambu Utara" still equals "Kel. Kota Bambu Utara"), then everything
-- that is not a letter or digit removed ("Rawa Sari" = "Rawasari" = "RAWASARI").
-- Stored in regions.name_key and regions.kec_key (generated columns, migration 0009) and so in
-- their indexes: changing what it returns needs a migration that recomputes them.
CREATE OR REPLACE FUNCTION sigap_region_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(
    replace(replace(replace(
      regexp_replace(
        translate(lower(t), 'áàâäãåāéèêëēíìîïīóòôöõōúùûüūýÿñç', 'aaaaaaaeeeeeiiiiioooooouuuuuyync'),
        '^([^a-z0-9]*(kelurahan|kel|desa|ds|kecamatan|kec|kabupaten|kab|kotamadya|kota administrasi|kota adm|kota|provinsi|prov|dki)([^a-z0-9]+|$))+',
        ''),
      'tj', 'c'), 'dj', 'j'), 'oe', 'u'),
    '[^a-z0-9]', '', 'g')
$$;

-- Keys of the names a region sits under, tagged by level ('kec:cempakaputih', 'kab:...',
-- 'prov:...'), from the parent rows where they are imported and from the file's own
-- properties where not (reading the stored keys, regions.name_key and kec_key).
CREATE OR REPLACE FUNCTION sigap_level_tag(p_level text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE p_level WHEN 'kecamatan' THEN 'kec:' WHEN 'kabupaten' THEN 'kab:' WHEN 'provinsi' THEN 'prov:' END
$$;

CREATE OR REPLACE FUNCTION sigap_region_ancestor_keys(p_code text) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (
    SELECT array_remove(ARRAY[
      sigap_level_tag(p.level) || p.name_key, sigap_level_tag(gp.level) || gp.name_key,
      'kec:' || r.kec_key, 'kab:' || sigap_region_key(r.props->>'nama_kab'),
      'prov:' || sigap_region_key(r.props->>'nama_prov')
    ], NULL)
    FROM regions r LEFT JOIN regions p ON p.code = r.parent_code LEFT JOIN regions gp ON gp.code = p.parent_code
    WHERE r.code = p_code);
END $$;

-- The regions a claim may mean, before looking at where the report is: NULL when it names
-- none we know, one code mostly, several when a name repeats and nothing in the claim tells
-- them apart (then the one nearest the point is meant: sigap_nearest_of). A claim is a code
-- (31.71.05.1003, or its ten digits), or a name, optionally followed by the names it sits
-- under ("Rawasari, Cempaka Putih", "Desa Citalang, Kec. Tegalwaru"); a longer free text
-- (an address) is tried part by part. Independent of the point, so the bulk re-check works
-- it out once per distinct claim.
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
  -- A claim equal to the code of a region we hold resolves to it, whatever the code scheme of
  -- the boundary file (an import with --code-prop may bring plain numbers such as "402"),
  -- before Kemendagri codes and names are tried.
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

-- The best regions for one name and the names it may sit under: those named so whose
-- kecamatan / kabupaten / province the qualifiers name best, then of the level its prefix asks
-- for ("Kec." a kecamatan, otherwise the smallest). Besides regions by their own name, a
-- kecamatan known only from its kelurahan's properties (a kelurahan file imported without the
-- kecamatan file) counts, under its code (its kelurahan's parent code).

CREATE OR REPLACE FUNCTION sigap_name_candidates(p_name text, p_quals text[]) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
  k text := sigap_region_key(p_name);
  want_kec boolean := p_name ~* '^\W*(kec|kecamatan)\M';
BEGIN
  IF k IS NULL OR k = '' THEN RETURN NULL; END IF;
  RETURN (
    WITH cand AS (
      SELECT r.code, r.level, sigap_region_ancestor_keys(r.code) AS anc
      FROM regions r WHERE r.name_key = k
      UNION ALL
      SELECT DISTINCT ON (r.parent_code) r.parent_code, 'kecamatan',
             array_remove(ARRAY['kab:' || sigap_region_key(r.props->>'nama_kab'), 'prov:' || sigap_region_key(r.props->>'nama_prov')], NULL)
      FROM regions r
      WHERE r.kec_key = k AND r.parent_code IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM regions x WHERE x.code = r.parent_code)
    ), ranked AS (
      SELECT c.code, rank() OVER (ORDER BY
        -- How well the qualifiers fit: a kecamatan named counts most, then the kabupaten, the province.
        (SELECT sum(CASE WHEN 'kec:' || sigap_region_key(q) = ANY(c.anc) THEN 4 WHEN 'kab:' || sigap_region_key(q) = ANY(c.anc) THEN 2
                         WHEN 'prov:' || sigap_region_key(q) = ANY(c.anc) THEN 1 ELSE 0 END) FROM unnest(p_quals) q) DESC NULLS LAST,
        CASE WHEN want_kec THEN (c.level <> 'kecamatan')::int ELSE 0 END,
        CASE c.level WHEN 'kelurahan' THEN 0 WHEN 'kecamatan' THEN 1 WHEN 'kabupaten' THEN 2 ELSE 3 END) AS rk
      FROM cand c
    )
    SELECT array_agg(code ORDER BY code) FROM ranked WHERE rk = 1);
END $$;

-- Of several candidate regions, the one nearest the point (a reporter names the place they
-- are at, or next to); ties by code.
CREATE OR REPLACE FUNCTION sigap_nearest_of(p_codes text[], p_pt geometry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF p_codes IS NULL OR cardinality(p_codes) = 0 THEN RETURN NULL; END IF;
  IF cardinality(p_codes) = 1 THEN RETURN p_codes[1]; END IF;
  RETURN (
    SELECT c FROM unnest(p_codes) AS c
    ORDER BY (SELECT min(d) FROM (
                SELECT p.geom <-> p_pt AS d FROM region_parts p WHERE p.region_code = c
                UNION ALL
                SELECT p.geom <-> p_pt FROM regions ch JOIN region_parts p ON p.region_code = ch.code WHERE ch.parent_code = c) z), c
    LIMIT 1);
END $$;

-- The region a claim names for a report at this point, or NULL.
CREATE OR REPLACE FUNCTION sigap_resolve_claim(p_claim text, p_pt geometry) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT sigap_nearest_of(sigap_claim_candidates(p_claim), p_pt)
$$;

-- A region's name and outline by code, including a kecamatan known only from its kelurahan.
CREATE OR REPLACE FUNCTION sigap_region_name(p_code text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT name FROM regions WHERE code = p_code),
                  (SELECT props->>'nama_kec' FROM regions WHERE parent_code = p_code AND props ? 'nama_kec' ORDER BY code LIMIT 1));
END $$;
CREATE OR REPLACE FUNCTION sigap_region_geom(p_code text) RETURNS geometry
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT geom FROM regions WHERE code = p_code),
                  (SELECT ST_Multi(ST_Union(geom)) FROM regions WHERE parent_code = p_code));
END $$;
