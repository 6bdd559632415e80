-- Why a ticket was rejected, as a kind the statistics can count (the reason text stays free).
ALTER TABLE incidents ADD COLUMN reject_code text
  CHECK (reject_code IS NULL OR reject_code IN ('hoax', 'prank', 'duplicate', 'out_of_scope', 'other'));
