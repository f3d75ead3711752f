-- What the owner wants (RUNNING, STOPPED, DELETED): the reconciler moves sessions towards it and
-- finishes operations a manager crash interrupted (a create, a stop, a delete).
ALTER TABLE sessions ADD COLUMN desired VARCHAR(16) NOT NULL DEFAULT 'RUNNING';
UPDATE sessions SET desired = CASE status
  WHEN 'STOPPED' THEN 'STOPPED' WHEN 'DELETED' THEN 'DELETED' ELSE 'RUNNING' END;
-- Restarts in a row and when the next is due (epoch ms; NULL: none pending).
ALTER TABLE sessions ADD COLUMN restarts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN next_restart_at BIGINT;
-- A session's own idle timeout, max lifetime (ms) and cull action; NULL: the template's.
ALTER TABLE sessions ADD COLUMN idle_timeout_ms BIGINT;
ALTER TABLE sessions ADD COLUMN max_lifetime_ms BIGINT;
ALTER TABLE sessions ADD COLUMN cull_action VARCHAR(8);
