-- Berth registry, version 1. Timestamps are epoch milliseconds (portable, sortable).
CREATE TABLE sessions (
  id                    VARCHAR(40)  PRIMARY KEY,
  template              VARCHAR(64)  NOT NULL,
  backend               VARCHAR(32)  NOT NULL,
  status                VARCHAR(16)  NOT NULL,
  status_reason         TEXT         NOT NULL DEFAULT '',
  labels                TEXT         NOT NULL DEFAULT '{}',
  runtime_state         TEXT         NOT NULL DEFAULT '{}',
  runtime_state_version INTEGER      NOT NULL DEFAULT 0,
  endpoints             TEXT         NOT NULL DEFAULT '{}',
  created_at            BIGINT       NOT NULL,
  updated_at            BIGINT       NOT NULL,
  last_activity_at      BIGINT       NOT NULL
);
CREATE INDEX sessions_status ON sessions (status);

-- Only hashes of tokens are stored; a token is shown once, when it is made.
CREATE TABLE tokens (
  hash        VARCHAR(64) PRIMARY KEY,
  kind        VARCHAR(16) NOT NULL,
  session_id  VARCHAR(40),
  created_at  BIGINT      NOT NULL
);
CREATE INDEX tokens_session ON tokens (session_id);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id  VARCHAR(40) NOT NULL,
  at          BIGINT      NOT NULL,
  type        VARCHAR(32) NOT NULL,
  message     TEXT        NOT NULL,
  data        TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX events_session ON events (session_id, id);
