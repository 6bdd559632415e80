-- The official holiday calendar (SKB tiga menteri), year by year. Each day says whether it is a
-- national holiday or a collective leave day (cuti bersama: government offices are closed, so
-- working-day SLA clocks skip it too), and which decree it comes from. `holiday_years` records
-- which years were loaded, from which decree, and whether the dates are official or only
-- estimated (a year whose decree was not out yet); the server loads the shipped calendar
-- (server/holidays/indonesia.json) for every year not recorded here, so an admin's later edits
-- of a year are never overwritten.
ALTER TABLE holidays
  ADD COLUMN kind text NOT NULL DEFAULT 'libur_nasional' CHECK (kind IN ('libur_nasional', 'cuti_bersama')),
  ADD COLUMN source text;

CREATE TABLE holiday_years (
  year       int PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
  status     text NOT NULL CHECK (status IN ('official', 'provisional')),
  decree     text NOT NULL,
  origin     text NOT NULL CHECK (origin IN ('shipped', 'import')),
  loaded_at  timestamptz NOT NULL DEFAULT now()
);
