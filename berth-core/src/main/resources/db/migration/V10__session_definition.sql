-- The definition fingerprint (see TemplateDefinition) the session's container, process or pod was
-- last made or started from, so Berth can say whether it runs its template as it is now. Empty:
-- not recorded (a session an older Berth made).
ALTER TABLE sessions ADD COLUMN definition VARCHAR(64) NOT NULL DEFAULT '';
