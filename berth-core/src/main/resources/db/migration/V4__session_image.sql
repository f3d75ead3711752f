-- The image each session's container runs (an engine image id; empty on backends without images),
-- so Berth can tell which live sessions run an outdated image after a rebuild.
ALTER TABLE sessions ADD COLUMN image_id VARCHAR(128) NOT NULL DEFAULT '';
