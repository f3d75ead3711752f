-- What the last activity was (api, mcp, proxy, exec...), so a session can say why it is alive.
ALTER TABLE sessions ADD COLUMN last_activity_via VARCHAR(16) NOT NULL DEFAULT '';
