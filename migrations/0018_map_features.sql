-- Features drawn on the map besides the regions, so that a wall without a basemap shows a
-- place people can find their way in: roads, rivers and named landmarks. The demo generates
-- its own (is_demo); a deployment may load real ones the same way.
CREATE TABLE map_features (
  id         bigserial PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('road', 'river', 'landmark')),
  -- road: 'primary' | 'secondary'; river: 'river' | 'stream'; landmark: what it is (office, hospital, market...)
  class      text NOT NULL,
  name       text NOT NULL,
  geom       geometry(Geometry, 4326) NOT NULL,
  is_demo    boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX map_features_geom_idx ON map_features USING gist (geom);
