-- Browser access: one-time login links, proxy cookies (one session each) and dashboard logins.
-- Like tokens, only SHA-256 hashes are stored. A row is useless past expires_at; a session's rows
-- go with its tokens when it is deleted.
CREATE TABLE browser_credentials (
  hash        VARCHAR(64) PRIMARY KEY,
  kind        VARCHAR(16) NOT NULL,
  session_id  VARCHAR(40),
  admin       INTEGER     NOT NULL DEFAULT 0,
  created_at  BIGINT      NOT NULL,
  expires_at  BIGINT      NOT NULL
);
CREATE INDEX browser_credentials_session ON browser_credentials (session_id);
CREATE INDEX browser_credentials_expiry ON browser_credentials (expires_at);
