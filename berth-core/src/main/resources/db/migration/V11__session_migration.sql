-- A migration between backends in flight (a JSON MigrationRecord: from, to, whether the session
-- was running, what the target made so far), written before the source is stopped and cleared when
-- the migration is done or rolled back. A manager killed half-way leaves it set, and the next start
-- rolls the migration back (or finishes it) from it. NULL: no migration under way.
ALTER TABLE sessions ADD COLUMN migration TEXT;
