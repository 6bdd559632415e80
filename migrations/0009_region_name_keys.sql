-- A region's name keys stored with it, so that resolving a claimed name reads them instead
-- of computing sigap_region_key (a translate and three regular expressions) for every region.
-- On a small boundary set (the demo's 75 regions) PostgreSQL scans the table rather than use
-- the expression index of 0003, and the keys cost 0.7 ms per report: half of intake's location
-- check. Generated columns follow renames by re-import by themselves.
ALTER TABLE regions
  ADD COLUMN name_key text GENERATED ALWAYS AS (sigap_region_key(name)) STORED,
  ADD COLUMN kec_key text GENERATED ALWAYS AS (sigap_region_key(props->>'nama_kec')) STORED;
DROP INDEX regions_name_key_idx;
DROP INDEX regions_kec_key_idx;
CREATE INDEX regions_name_key_idx ON regions (name_key);
CREATE INDEX regions_kec_key_idx ON regions (kec_key);

-- As in 0003, reading the stored keys.
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
