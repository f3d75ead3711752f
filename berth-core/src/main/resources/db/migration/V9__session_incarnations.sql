-- A deleted session's id can be taken again. Each session that has held an id is one incarnation
-- of it, numbered 1, 2, ...; its events carry that number, so a new session's trail starts empty
-- and an earlier session's trail stays readable (by the admin) under its number.
ALTER TABLE sessions ADD COLUMN incarnation INTEGER NOT NULL DEFAULT 1;
ALTER TABLE events ADD COLUMN incarnation INTEGER NOT NULL DEFAULT 1;
-- Until now every session's trail began with its create's 'status' event ("created from template
-- ..."), so the creates up to an event count which incarnation wrote it. Events before any create
-- (none are written so) stay in the first.
UPDATE events SET incarnation = (
  SELECT COUNT(*) FROM events c
  WHERE c.session_id = events.session_id AND c.id <= events.id
    AND c.type = 'status' AND c.message LIKE 'created from template%')
WHERE EXISTS (
  SELECT 1 FROM events c
  WHERE c.session_id = events.session_id AND c.id <= events.id
    AND c.type = 'status' AND c.message LIKE 'created from template%');
-- A session's row is its latest incarnation.
UPDATE sessions SET incarnation = COALESCE(
  (SELECT MAX(e.incarnation) FROM events e WHERE e.session_id = sessions.id), 1);
CREATE INDEX events_session_incarnation ON events (session_id, incarnation, id);
