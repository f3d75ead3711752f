-- The handle a runtime names a session's resources from, kept apart from the id so a workspace
-- prepared before its session exists can be bound to it later. Every session so far was named
-- from its id.
ALTER TABLE sessions ADD COLUMN handle VARCHAR(40) NOT NULL DEFAULT '';
UPDATE sessions SET handle = id;
-- What a delete is about to remove (a JSON list of {kind, name}), written before it removes
-- anything: a delete that finishes an interrupted one lists in its receipt what the killed run
-- had removed. NULL: no delete has planned. Until now the plan was only the data of the
-- session's first 'deleting' event; an unfinished delete takes it from there.
ALTER TABLE sessions ADD COLUMN delete_plan TEXT;
UPDATE sessions SET delete_plan = (
  SELECT e.data FROM events e
  WHERE e.session_id = sessions.id AND e.type = 'deleting' AND e.data <> ''
  ORDER BY e.id LIMIT 1)
WHERE desired = 'DELETED' AND status <> 'DELETED';
