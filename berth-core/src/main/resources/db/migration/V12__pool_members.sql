-- Warm-pool members: sessions' worth of workspace and app prepared before any session exists,
-- named from their handle. A member is recorded (STARTING) before its runtime makes anything, so
-- a manager killed while filling leaves a row that the next start finds and removes with what it
-- made; a claim deletes the row and inserts the session in one transaction, so every member is
-- in the pool or in a session, never both, never neither.
CREATE TABLE pool_members (
  handle VARCHAR(40) PRIMARY KEY,
  template VARCHAR(64) NOT NULL,
  backend VARCHAR(64) NOT NULL,
  definition VARCHAR(128) NOT NULL,
  state VARCHAR(16) NOT NULL,
  runtime_state TEXT NOT NULL,
  runtime_state_version INTEGER NOT NULL,
  endpoints TEXT NOT NULL,
  image_id VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  ready_at BIGINT
);
CREATE INDEX pool_members_ready ON pool_members (template, backend, state, ready_at);
